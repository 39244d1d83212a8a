"""Start-up stays light: pytest pays for neither Faker nor freezegun until a test uses them."""

import subprocess
import sys


def test_importing_the_plugin_imports_neither_faker_nor_freezegun():
    code = (
        "import sys, pytest_lambda_events.plugin, pytest_lambda_events;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('faker', 'freezegun')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
