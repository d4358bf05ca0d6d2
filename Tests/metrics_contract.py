"""What the metrics tests hold zkserver to, shared by the standalone (Tests/compat) and the ensemble
(Tests/ensemble) tests: the Apache metrics it leaves out, and how a value's kind is told."""
import os
import re

# Apache 3.8 metrics that zkserver leaves out, by name (docs/operations.md says why).
LEFT_OUT = {line.strip() for line in open(os.path.join(os.path.dirname(__file__), "metrics-left-out.txt"))
            if line.strip() and not line.startswith("#")}
# Per-namespace sets (`<namespace>_write_per_namespace`): one key set per top-level path ever written.
PER_NAMESPACE = re.compile(r"_(read|write)_per_namespace$")


def kind(value):
    """int, float or text: what a mntr value parses as."""
    for t in (int, float):
        try:
            t(value)
            return t.__name__
        except ValueError:
            pass
    return "text"
