"""The semantic model every rule asks: names and types, function effects, how a class runs its tests.

- `modules`: a checking context (`FileContext`) for any project module, parsed on demand, so that
  facts about code in other files come from the same resolution as facts about the checked file;
- `effects`: what calling a function does (runs an event loop, hands a coroutine to another
  thread, sniffs the test runner, creates a task, sets or closes the current loop, blocks),
  followed through calls into other functions and modules, with the call chain as evidence;
- `dispatch`: how a test class runs its tests, from its whole MRO (plain unittest, an
  `IsolatedAsyncioTestCase`, a known async-aware base, or machinery of its own);
- `roles`: what a function is for a test runner (test, fixture, hook, helper) and which modules
  are test support.

Unknown stays unknown: an answer is only given where the code says so.
"""
