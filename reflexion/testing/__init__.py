"""The public test kit: what a user needs to test their own domain or drive the loop without a
real model. ``reflexion.testing.fakes.ScriptedChatModel`` (a thread-safe scripted chat model that
records every prompt and per-call option) and ``reflexion.testing.openai_stub`` (a local
OpenAI-compatible server with scripted replies and injected faults, in-process or as its own
process). The project's own kill, fault, bad-input and hostile-corpus drivers live beside its tests
(``tests/drivers``), not here.

Import from the modules themselves: this package imports nothing, so that
``python -m reflexion.testing.openai_stub`` runs that module exactly once.
"""
