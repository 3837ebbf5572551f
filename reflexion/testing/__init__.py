"""Test and benchmark helpers that ship with the package (none needs a test framework), e.g.
``reflexion.testing.openai_stub`` (a local OpenAI-compatible server with scripted replies and
injected faults) and ``reflexion.testing.faults`` (the model-fault matrix, ``run_fault_matrix``).

Import from the modules themselves: this package imports nothing, so that
``python -m reflexion.testing.openai_stub`` runs that module exactly once.
"""
