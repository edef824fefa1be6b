"""A page's objects are freed when the request ends, not left to the garbage collector: no
render ties its template context into a reference cycle. A `{% macro %}` defined in a page's
template is made on every render and does (context → macro → context), so macros live in
templates/macros/ and are imported (Jinja keeps an imported module)."""

import gc
from pathlib import Path

from jinja2.runtime import Context, Macro

from tests.feedback.test_feedback import circle, leader, mark, past_session  # noqa: F401


def cyclic_garbage(client, url: str) -> list:
    """The objects that only the garbage collector would free after one request of url."""
    client.get(url)  # templates loaded, imports cached
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        response = client.get(url)
        assert response.status_code == 200
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_the_start_page_with_its_question_frees_its_context(client, make_user, circle):  # noqa: F811
    person = make_user(name="Amal")
    mark(past_session(circle), person)
    client.login(person.email)
    assert 'id="feedback-form"' in client.get("/").get_data(as_text=True)
    left = cyclic_garbage(client, "/")
    assert not [o for o in left if isinstance(o, Context | Macro)]


def test_macros_are_defined_only_in_the_macro_files():
    templates = Path(__file__).resolve().parent.parent / "templates"
    defining = sorted(str(path.relative_to(templates)) for path in templates.rglob("*.html")
                      if "{% macro" in path.read_text(encoding="utf-8")
                      and path.parent.name != "macros")
    assert defining == []


def test_the_activity_list_frees_its_context(client, make_user, circle):  # noqa: F811
    client.login(make_user().email)
    left = cyclic_garbage(client, "/activities")
    assert not [o for o in left if isinstance(o, Context | Macro)]
