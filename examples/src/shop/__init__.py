"""Lambda handlers of a small online shop: each module is one function."""
