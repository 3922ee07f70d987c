"""The renderer of the time tables (config.renderers.FastJSONRenderer) writes DRF's bytes: U+2028 and U+2029
escaped wherever they stand (a name, a pre-rendered JSON column), however much other non-ASCII text is
around them, and ASCII output left as orjson wrote it."""

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from config.renderers import FastJSONRenderer
from config.rows import RenderedJSON

# The separators, their UTF-8 neighbours (U+2027, U+202A share the first two bytes), other non-ASCII text
# and JSON's own escapes.
TEXT = st.text(alphabet=st.sampled_from(["a", " ", '"', "\\", "\n", "\x01", "é", "😀", "\u2027", "\u2028",
                                         "\u2029", "\u202a"]), max_size=12)
VALUES = st.recursive(st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | TEXT,
                      lambda children: st.lists(children, max_size=4)
                      | st.dictionaries(TEXT, children, max_size=4), max_leaves=12)


def drf(data) -> bytes:
    return JSONRenderer().render(data)


def test_a_name_with_a_line_separator_is_escaped_as_drf_does():
    data = [{"first_name": "Zoé\u2028Line", "last_name": "Para\u2029graph", "full_name": "Zoé"}]
    rendered = FastJSONRenderer().render(data)
    assert b"\\u2028" in rendered and b"\\u2029" in rendered
    assert "\u2028".encode() not in rendered and "\u2029".encode() not in rendered
    assert rendered == drf(data)


def test_separators_in_a_pre_rendered_column_are_escaped_too():
    column = {"note": "a\u2028b", "é": "\u2029"}
    text = json.dumps(column, ensure_ascii=False, separators=(",", ":"))  # as config.rows renders a JSON column
    assert "\u2028" in text
    assert FastJSONRenderer().render({"data": RenderedJSON(text)}) == drf({"data": column})


def test_ascii_output_is_left_as_it_is():
    data = {"2024": {"12": 480.5, "13": 0.1}}
    assert FastJSONRenderer().render(data) == drf(data) == b'{"2024":{"12":480.5,"13":0.1}}'


@settings(max_examples=300, deadline=None)
@given(VALUES)
@example(["\u2028"])
@example({"é": "\u2029", "k": ["\u2027", "\u202a"]})
def test_any_json_of_strings_and_integers_is_drf_s_bytes(data):
    assert FastJSONRenderer().render(data) == drf(data)
