"""`Source.mentions_any` gates most rules: its shortcut (a word holding a shorter word the text is
known not to contain is not searched) must answer exactly as searching the text does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from looplint.engine.source import Source

_WORDS = st.text(alphabet="ab d", min_size=0, max_size=4)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="ab d\n", max_size=30), questions=st.lists(st.lists(_WORDS, min_size=1, max_size=3), max_size=12))
def test_answers_equal_a_search_of_the_text(text, questions):
    source = Source(text)
    for words in questions:
        assert source.mentions_any(tuple(words)) == any(word in text for word in words), (text, words)


def test_a_longer_word_is_answered_from_a_shorter_one_known_absent():
    source = Source("class T:\n    def setUp(self):\n        pass\n")
    assert not source.mentions_any(("async def",))
    assert source.mentions_any(("setUp",))
    assert not source.mentions_any(("async def setUp",))
    assert source.mentions_any(("def setUp",))
