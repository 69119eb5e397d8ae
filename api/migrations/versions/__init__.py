"""Migration scripts, oldest first (``rNNNN_<what>.py``)."""
