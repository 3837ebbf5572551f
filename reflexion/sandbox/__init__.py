"""Run model-written Python in a separate, locked-down process.

    from reflexion.sandbox import Sandbox, Limits
    sandbox = Sandbox(limits=Limits(timeout_s=5.0))
    sandbox.run("print(input())", stdin="hi")               # -> ExecResult
    sandbox.run_tests("def add(a, b): return a + b", ["assert add(1, 2) == 3"])  # -> [TestResult]

See ``docs/sandbox.md`` for the isolation (bubblewrap, or an rlimits fallback) and the threat model.
"""

from reflexion.sandbox.errors import SandboxError
from reflexion.sandbox.limits import Limits
from reflexion.sandbox.results import ExecResult, TestResult
from reflexion.sandbox.sandbox import Sandbox

__all__ = ["ExecResult", "Limits", "Sandbox", "SandboxError", "TestResult"]
