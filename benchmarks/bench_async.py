"""Wall time of the async failure flow: 3 attempts (t, t+60 s, t+180 s), then the DLQ.

Run: ``python benchmarks/bench_async.py``. Virtual time moves 3 minutes; wall time should be
milliseconds (issue 8's goal: <= 5 ms for the whole flow, harness start excluded).
"""

from __future__ import annotations

import statistics
import time

from pytest_lambda_events.world import Harness


def failing(event: object, context: object) -> None:
    raise RuntimeError("poison")


def main() -> None:
    # freezegun freezes perf_counter inside the harness: keep a reference taken before it starts
    real_ns = time.perf_counter_ns
    samples = []
    setup = []
    for n in range(50):
        t0 = real_ns()
        h = Harness(seed=n)
        setup.append((real_ns() - t0) / 1e6)
        t1 = real_ns()
        dlq = h.sqs_queue("dlq")
        fn = h.function(failing, name="orders")
        fn.configure_async(dead_letter_queue=dlq)
        delivery = fn.invoke_async({"order": n})
        h.run()
        samples.append((real_ns() - t1) / 1e6)
        h.close()
        assert delivery.attempts == 3 and len(dlq.messages) == 1
    flow = statistics.median(samples)
    print(f"{'figure':<44} {'median ms':>9}  goal")
    print(f"{'async failure, 2 retries + DLQ (whole flow)':<44} {flow:9.3f}  <= 5 ms  "
          f"{'ok' if flow <= 5 else 'over'}")  # fmt: skip
    print(f"{'harness start (freezegun start, once per test)':<44} {statistics.median(setup):9.3f}")


if __name__ == "__main__":
    main()
