"""Classroom mode (issue #18): the whole lecture hall predicts from their phones, then the model answers.

Two sides:
- **The presenter**: the "Classroom" tab (`build_tab`). "Present to the room" opens a room (demos/rooms.py)
  and shows its code, a QR code drawn here (segno, offline) and the join link; then the open question,
  a histogram of the votes refreshed every second (gr.Timer), how many joined, "Reveal" (measures the
  answer now, demos/classroom_questions.py) and "Next question".
- **The students**: a phone-sized page at `/join?room=CODE` with no gradio in it (one small HTML page
  and three JSON calls), so that a hall of 200 phones costs the server a few small requests each and
  never waits in gradio's queue behind the other tabs. `ClassroomMiddleware` serves it in front of the
  gradio app (app.py passes it to `launch(app_kwargs=...)`):

      GET  /join                      the page (its strings in both languages; ?lang=en|zh, else the
                                      language chosen last in this browser, else the browser's)
      POST /join/api/enter            {room, token} -> the room's state, or 404 / 429 (too many bad codes)
      POST /join/api/state            {room, token, v} -> the state, or {"same": true} when version v is current
      POST /join/api/vote             {room, token, pos, choice} -> the state, or 409 (one vote each)

  `token` is a random number the page keeps in localStorage: the server checks one vote per token and
  question. A token that has not joined a room gets the same 404 as an unknown code.
"""

from __future__ import annotations

import functools
import html
import inspect
import json
import os
import sqlite3
import threading
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gradio as gr
from gradio.context import get_blocks_context

from demos import classroom_questions as CQ
from demos import rooms
from demos.i18n import register, t, text
from demos.strings import classroom as strings  # registers them

STORAGE_KEY = "paper-gallery-classroom"  # localStorage: the room this browser presents
TICK = 1.0  # seconds between two refreshes of the presenter's histogram
JOIN_PATH = "/join"
API = "/join/api/"
MAX_BODY = 4096  # bytes of a student's request
PAGE = Path(__file__).with_name(
    "classroom_page.html"
)  # the students' page; __STRINGS__: its strings

_store: rooms.Store | None = None
_store_lock = threading.Lock()
LIMITER = rooms.JoinLimiter(
    limit=int(os.environ.get("PAPER_GALLERY_JOIN_LIMIT", "20")), window=60.0
)


def store() -> rooms.Store:
    """The process's store, opened on first use (PAPER_GALLERY_CLASSROOM_DB or the temp folder)."""
    global _store
    with _store_lock:
        if _store is None:
            _store = rooms.Store()
        return _store


def questions() -> dict:
    return CQ.all_questions()


def _labels(q, lang: str) -> dict[str, str]:
    return {value: text(key, lang) for key, value in q.choices}


def _paper(key: str) -> str:
    return key.split("_")[0]


# ---------------------------------------------------------------------------------------------
# The presenter
# ---------------------------------------------------------------------------------------------


def public_base(request: gr.Request | None) -> str:
    """The address students use: PAPER_GALLERY_PUBLIC_URL, else the one this page was opened at
    (as the proxy forwarded it)."""
    env = os.environ.get("PAPER_GALLERY_PUBLIC_URL", "").strip().rstrip("/")
    if env:
        return env
    headers = dict(request.headers) if request is not None and request.headers else {}
    host = headers.get("x-forwarded-host") or headers.get("host") or "127.0.0.1:7860"
    proto = headers.get("x-forwarded-proto") or (
        request.request.url.scheme if request and request.request else "http"
    )
    return f"{proto.split(',')[0].strip()}://{host.split(',')[0].strip()}"


def join_link(base: str, code: str) -> str:
    return f"{base}{JOIN_PATH}?{urlencode({'room': code})}"


def qr_svg(link: str) -> str:
    """The link as a QR code, an inline SVG (segno: drawn here, no web service)."""
    import segno

    qr = segno.make(link, error="m")
    return qr.svg_inline(scale=6, border=2, dark="#000", light="#fff", omitsize=False)


def join_panel(code: str, link: str, lang: str) -> str:
    """Code, QR and link, large enough for the back of a hall."""
    host = urlsplit(link).hostname or ""
    warn = ""
    if host in ("127.0.0.1", "localhost", "::1", "0.0.0.0") and not os.environ.get(
        "PAPER_GALLERY_PUBLIC_URL"
    ):
        warn = (
            f'<p class="cls-warn">{html.escape(text("cls_loopback", lang).format(host=host))}</p>'
        )
    spaced = f"{code[:3]} {code[3:]}"
    return (
        '<div class="cls-join" id="cls-join">'
        f'<div class="cls-qr" title="{html.escape(text("cls_scan", lang))}">{qr_svg(link)}</div>'
        '<div class="cls-join-text">'
        f'<div class="cls-label">{html.escape(text("cls_code", lang))}</div>'
        f'<div class="cls-code" id="cls-code" data-code="{code}">{spaced}</div>'
        f'<div class="cls-label">{html.escape(text("cls_join_at", lang))}</div>'
        f'<div class="cls-link"><a id="cls-link" href="{html.escape(link)}" target="_blank">{html.escape(link)}</a></div>'
        f"{warn}</div></div>"
    )


def question_md(room: rooms.Room, lang: str) -> str:
    q = questions()[room.question]
    labels = " · ".join(_labels(q, lang).values())
    return (
        text("cls_question_md", lang).format(
            i=room.pos + 1,
            n=len(room.order),
            paper=text(f"cls_paper_{_paper(q.key)}", lang),
            question=text(q.question, lang),
        )
        + f"\n\n{labels}"
    )


def histogram(room: rooms.Room, counts: dict[str, int], lang: str) -> str:
    """The votes as bars (HTML: cheap to send every second, crisp on a projector); after the reveal
    the measured answer's bar is marked."""
    q = questions()[room.question]
    total = sum(counts.values())
    answer = room.reveal["answer"] if room.revealed and room.reveal else None
    rows = []
    for value, label in _labels(q, lang).items():
        n = counts.get(value, 0)
        share = 100 * n / total if total else 0
        mark = (
            f' <span class="cls-mark">✓ {html.escape(text("cls_measured", lang))}</span>'
            if value == answer
            else ""
        )
        rows.append(
            f'<div class="cls-row{" cls-right" if value == answer else ""}" data-choice="{html.escape(value)}" '
            f'data-count="{n}"><div class="cls-choice">{html.escape(label)}{mark}</div>'
            f'<div class="cls-bar-wrap"><div class="cls-bar" style="width:{share:.1f}%"></div></div>'
            f'<div class="cls-count">{n}</div></div>'
        )
    head = (
        f'<div class="cls-stats"><span id="cls-joined" data-n="{room.members}">'
        f'{html.escape(text("cls_joined", lang).format(n=room.members))}</span> · <span id="cls-votes" '
        f'data-n="{total}">{html.escape(text("cls_votes", lang).format(n=total))}</span></div>'
    )
    return f'<div class="cls-hist" id="cls-hist" data-pos="{room.pos}">{head}{"".join(rows)}</div>'


def _message(code: str, lang: str, **info) -> str:
    key = f"cls_err_{code}"
    return text(key if key in strings.EN else "cls_err_gone", lang).format(**info)


def guarded(fn):
    """A presenter's callback: a failure of the database (a disk full, a lock held too long) is a
    message in the page's language, never a trace."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except sqlite3.Error as e:
            lang = signature.bind_partial(*args, **kwargs).arguments.get("lang", "en")
            raise gr.Error(text("cls_err_db", lang).format(err=type(e).__name__)) from None

    return call


def _presenting(session: dict, lang: str, request, status: str) -> tuple:
    room, counts = store().tally(session["code"])
    link = join_link(public_base(request), room.code)
    result = reveal_md(room, counts, room.reveal, lang) if room.revealed and room.reveal else ""
    return (
        session,
        gr.update(visible=True),
        join_panel(room.code, link, lang),
        question_md(room, lang),
        histogram(room, counts, lang),
        result,
        gr.Timer(active=True),
        status,
    )


def _idle(status: str = "") -> tuple:
    return None, gr.update(visible=False), "", "", "", "", gr.Timer(active=False), status


@guarded
def start(order: list[str] | None, session: dict | None, lang, request: gr.Request):
    """Open a room (ending this page's previous one); -> session, panel visible, join panel, question,
    histogram, reveal text, timer on, status."""
    keys = [k for k in (order or []) if k in questions()]
    if session:  # one room per presenter's page: the old one ends
        try:
            store().end(session["code"], session["key"])
        except (rooms.RoomError, KeyError, TypeError):
            pass
    try:
        code, key = store().create(keys)
    except rooms.RoomError as e:
        return _idle("⚠ " + _message(e.code, lang, **e.info))
    return _presenting(
        {"code": code, "key": key}, lang, request, text("cls_started_md", lang).format(code=code)
    )


@guarded
def resume(lang, saved: str, request: gr.Request):
    """On page load (a reload, the language switch): the room this browser presents (kept in its
    localStorage), if it is still live."""
    try:
        session = json.loads(saved) if saved else None
        store().check_presenter(session["code"], session["key"])
    except (ValueError, rooms.RoomError, KeyError, TypeError):
        return *_idle(), ""
    return *_presenting(
        session, lang, request, text("cls_started_md", lang).format(code=session["code"])
    ), saved


def remember(session: dict | None) -> str:
    """What the page keeps in localStorage to come back to its room (code and presenter key)."""
    return json.dumps(session) if session else ""


@guarded
def tick(session: dict | None, lang):
    """The histogram now (every TICK seconds while presenting)."""
    if not session:
        return gr.skip(), gr.Timer(active=False)
    try:
        room, counts = store().tally(session["code"])
    except rooms.RoomError:
        return f'<p class="cls-warn">{html.escape(text("cls_err_gone", lang))}</p>', gr.Timer(
            active=False
        )
    return histogram(room, counts, lang), gr.skip()


def reveal_payload(key: str, lang_first: str) -> tuple[str, dict]:
    """Measure question `key` now, in both languages (the phones each show their own); -> (answer,
    payload for the store). gr.Error passes through (the data or the model is missing)."""
    q = questions()[key]
    results = {}
    for lang in (lang_first, "zh" if lang_first == "en" else "en"):
        r = q.measure(lang)
        results[lang] = r
    answer = results[lang_first].answer
    payload = {
        "answer": answer,
        "label": {lang: _labels(q, lang)[answer] for lang in ("en", "zh")},
        "why": {lang: CQ.why(key, answer, lang) for lang in ("en", "zh")},
        "result": {lang: results[lang].result for lang in ("en", "zh")},
    }
    return answer, payload


@guarded
def reveal(session: dict | None, lang):
    """Run the measurement, store the answer (every phone shows it), show it beside the votes."""
    if not session:
        return gr.skip(), text("cls_err_not_started", lang)
    try:
        room = store().room(session["code"])
        if room.revealed and room.reveal:
            payload = room.reveal
        else:
            try:
                _, payload = reveal_payload(room.question, lang)
            except gr.Error as e:  # the data or the model is not there: say which, no trace
                return gr.skip(), f"⚠ {e.message}"
            room = store().set_reveal(session["code"], session["key"], room.pos, payload)
        room, counts = store().tally(session["code"])
    except rooms.RoomError as e:
        return gr.skip(), "⚠ " + _message(e.code, lang)
    md = reveal_md(room, counts, payload, lang)
    return histogram(room, counts, lang), md


def reveal_md(room: rooms.Room, counts: dict[str, int], payload: dict, lang: str) -> str:
    md = text("cls_reveal_md", lang).format(
        answer=payload["label"][lang],
        right=counts.get(payload["answer"], 0),
        total=sum(counts.values()),
        result=payload["result"][lang],
    )
    tab, preset = CQ.FIGURE.get(room.question, (None, None))
    if tab:
        query = {"tab": tab, "lang": lang} | ({"preset": preset} if preset else {})
        md += "\n\n" + text("cls_figure", lang).format(
            link=f"[/?{urlencode(query)}](/?{urlencode(query)})"
        )
    return md


@guarded
def next_question(session: dict | None, lang):
    if not session:
        return gr.skip(), gr.skip(), text("cls_err_not_started", lang)
    try:
        room = store().room(session["code"])
        room = store().goto(session["code"], session["key"], room.pos + 1)
        room, counts = store().tally(session["code"])
    except rooms.RoomError as e:
        return gr.skip(), gr.skip(), "⚠ " + _message(e.code, lang)
    return question_md(room, lang), histogram(room, counts, lang), ""


@guarded
def end(session: dict | None, lang):
    if session:
        try:
            store().end(session["code"], session["key"])
        except rooms.RoomError:
            pass
    return None, gr.update(visible=False), gr.Timer(active=False), text("cls_ended_md", lang)


CSS = """
#cls-join { display: flex; gap: 2rem; align-items: center; flex-wrap: wrap; }
#cls-join .cls-qr { flex: 0 0 auto; }
#cls-join .cls-qr svg { width: 280px; height: 280px; display: block; }
#cls-join .cls-join-text { flex: 1 1 18rem; min-width: 0; }
#cls-join .cls-label { font-size: 1rem; opacity: .7; margin-top: .4rem; }
#cls-join .cls-code { font-size: 3.4rem; font-weight: 700; letter-spacing: .25em; font-family: monospace; }
#cls-join .cls-link { font-size: 1.3rem; word-break: break-all; }
.cls-warn { color: #b45309; font-weight: 600; }
#cls-hist { font-size: 1.35rem; }
#cls-hist .cls-stats { font-weight: 700; margin-bottom: .5rem; }
#cls-hist .cls-row { display: grid; grid-template-columns: minmax(8em, 2fr) 3fr 3em; gap: .6rem;
  align-items: center; margin: .35rem 0; }
#cls-hist .cls-bar-wrap { background: rgba(127,127,127,.15); height: 1.6rem; border-radius: 4px; }
#cls-hist .cls-bar { background: #0072B2; height: 100%; border-radius: 4px; transition: width .4s; }
#cls-hist .cls-right .cls-bar { background: #009E73; }
#cls-hist .cls-mark { color: #009E73; font-weight: 700; }
#cls-hist .cls-count { text-align: right; font-variant-numeric: tabular-nums; font-weight: 700; }
"""


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    """The presenter's tab."""
    qs = questions()
    gr.Markdown(t("cls_intro"))
    gr.HTML(f"<style>{CSS}</style>", padding=False)
    with gr.Row(equal_height=False):
        order = gr.Dropdown(
            [(t(f"cls_pick_{k}"), k) for k in qs],
            value=list(qs),
            multiselect=True,
            label=t("cls_order"),
            elem_id="cls-order",
            scale=5,
        )
        go = gr.Button(t("cls_start"), variant="primary", elem_id="cls-start", scale=1, size="lg")
    status = gr.Markdown(elem_id="cls-status")
    session = gr.State(None)
    saved = gr.Textbox(visible=False)  # the session as the browser keeps it (localStorage)
    with gr.Column(visible=False, elem_id="cls-panel") as panel:
        join = gr.HTML(elem_id="cls-join-box")
        with gr.Row():
            with gr.Column(scale=3):
                question = gr.Markdown(elem_id="cls-question")
                hist = gr.HTML(elem_id="cls-hist-box")
                with gr.Row():
                    reveal_btn = gr.Button(t("cls_reveal"), variant="primary", elem_id="cls-reveal")
                    next_btn = gr.Button(t("cls_next"), elem_id="cls-next")
                    end_btn = gr.Button(t("cls_end"), variant="stop", elem_id="cls-end")
            with gr.Column(scale=2):
                result = gr.Markdown(elem_id="cls-result")
    timer = gr.Timer(TICK, active=False)

    shown = [session, panel, join, question, hist, result, timer, status]
    keep = dict(
        fn=None,
        inputs=saved,
        outputs=None,
        api_visibility="private",
        js=f"(s) => {{ try {{ s ? localStorage.setItem('{STORAGE_KEY}', s) : "
        f"localStorage.removeItem('{STORAGE_KEY}'); }} catch (e) {{}} }}",
    )
    go.click(start, [order, session, lang], shown, api_visibility="private").then(
        remember, session, saved, api_visibility="private"
    ).then(**keep)
    end_btn.click(
        end, [session, lang], [session, panel, timer, status], api_visibility="private"
    ).then(remember, session, saved, api_visibility="private").then(**keep)
    config = get_blocks_context()
    if (
        config is not None
    ):  # a reload or the language switch: back to the room (page language as PAGE_LANG_JS)
        page_lang = gr.Textbox(
            visible=False
        )  # not the switch: its values may change, a text box takes any
        config.root_block.load(
            resume,
            [page_lang, saved],
            [*shown, saved],
            api_visibility="private",
            show_progress="hidden",
            js=f"() => [window.paperGalleryLang === 'zh' ? 'zh' : 'en', "
            f"(() => {{ try {{ return localStorage.getItem('{STORAGE_KEY}') || ''; }} catch (e) {{ return ''; }} }})()]",
        )
    timer.tick(
        tick,
        [session, lang],
        [hist, timer],
        api_visibility="private",
        show_progress="hidden",
        concurrency_limit=None,
        concurrency_id="classroom-tick",
    )
    reveal_btn.click(
        reveal, [session, lang], [hist, result], api_visibility="private", show_progress_on=result
    )
    next_btn.click(
        next_question, [session, lang], [question, hist, result], api_visibility="private"
    )


def _register_picks() -> None:
    """The order picker's labels: number, paper and the start of the question, in both languages."""
    tables = {"en": {}, "zh": {}}
    for i, (k, q) in enumerate(questions().items()):
        for lang, table in tables.items():
            s = text(q.question, lang)
            short = s if len(s) <= 60 else s[:60].rstrip() + "…"
            table[f"cls_pick_{k}"] = f"{i + 1}. {text(f'cls_paper_{_paper(k)}', lang)}: {short}"
    register(tables["en"], tables["zh"])


_register_picks()


# ---------------------------------------------------------------------------------------------
# The students: a page and three JSON calls, served in front of gradio
# ---------------------------------------------------------------------------------------------


def student_state(room: rooms.Room, mine: str | None) -> dict:
    """What a phone shows: the open question and its choices in both languages, the reveal (answer and
    one line why) once there is one, and this browser's vote."""
    q = questions()[room.question]
    out = {
        "room": room.code,
        "v": room.version,
        "pos": room.pos,
        "n": len(room.order),
        "q": {lang: text(q.question, lang) for lang in ("en", "zh")},
        "choices": [{"value": v, "en": text(k, "en"), "zh": text(k, "zh")} for k, v in q.choices],
        "revealed": room.revealed,
        "voted": mine,
    }
    if room.revealed and room.reveal:
        out["answer"] = room.reveal["answer"]
        out["why"] = room.reveal["why"]
    return out


def api_enter(code: str, token: str) -> dict:
    s = store()
    room = s.join(code, token)
    return student_state(room, s.my_vote(room.code, token, room.pos))


def api_state(code: str, token: str, version: int | None) -> dict:
    s = store()
    v = s.member_version(code, token)
    if version is not None and v == version:
        return {"same": True, "v": v}
    room = s.room(code)
    return student_state(room, s.my_vote(room.code, token, room.pos))


def api_vote(code: str, token: str, pos: int, choice: str) -> dict:
    s = store()
    s.member_version(code, token)  # joined first (else: unknown)
    room = s.room(code)
    q = questions()[room.question]
    s.vote(room.code, token, pos, choice, [v for _, v in q.choices])
    room = s.room(code)
    return student_state(room, choice)


STATUS = {
    "unknown": 404,
    "bad_token": 400,
    "voted": 409,
    "revealed": 409,
    "moved_on": 409,
    "bad_choice": 400,
}


def client_address(scope) -> str:
    """The client's address for the limiter only (never stored): the proxy's X-Forwarded-For entry
    when the request comes through a proxy on this machine, else the peer."""
    peer = (scope.get("client") or ("?", 0))[0]
    if peer in ("127.0.0.1", "::1"):
        for k, v in scope.get("headers", []):
            if k == b"x-forwarded-for":
                return v.decode("latin-1").split(",")[-1].strip()
    return peer


class ClassroomMiddleware:
    """ASGI middleware: answers /join and /join/api/* itself; everything else goes to gradio."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path != JOIN_PATH and not path.startswith(API):
            return await self.app(scope, receive, send)
        from starlette.concurrency import run_in_threadpool
        from starlette.requests import Request
        from starlette.responses import HTMLResponse, JSONResponse, Response

        request = Request(scope, receive)
        try:
            if path == JOIN_PATH and request.method in ("GET", "HEAD"):
                response = HTMLResponse(student_page(), headers={"Cache-Control": "no-store"})
            elif path in (API + "enter", API + "state", API + "vote") and request.method == "POST":
                if int(request.headers.get("content-length") or 0) > MAX_BODY:
                    raise ValueError("too large")
                body = await request.body()
                if len(body) > MAX_BODY:
                    raise ValueError("too large")
                data = json.loads(body or b"{}")
                if not isinstance(data, dict):
                    raise ValueError("not an object")
                code, token = str(data.get("room", "")), str(data.get("token", ""))
                if path == API + "enter":
                    key = LIMITER.key(client_address(scope))
                    wait = LIMITER.wait(key)
                    if wait > 0:
                        response = JSONResponse(
                            {"error": "slow", "wait": int(wait + 0.999)},
                            status_code=429,
                            headers={"Retry-After": str(int(wait + 0.999))},
                        )
                        return await response(scope, receive, send)
                    try:
                        out = await run_in_threadpool(api_enter, code, token)
                    except rooms.RoomError as e:
                        if e.code == "unknown":
                            LIMITER.failed(key)
                        raise
                elif path == API + "state":
                    v = data.get("v")
                    out = await run_in_threadpool(
                        api_state, code, token, v if isinstance(v, int) else None
                    )
                else:
                    pos = data.get("pos")
                    if not isinstance(pos, int):
                        raise ValueError("pos")
                    out = await run_in_threadpool(
                        api_vote, code, token, pos, str(data.get("choice", ""))
                    )
                response = JSONResponse(out)
            else:
                response = Response(status_code=405)
        except rooms.RoomError as e:
            response = JSONResponse({"error": e.code}, status_code=STATUS.get(e.code, 400))
        except (ValueError, KeyError, TypeError):  # a malformed request: no trace, a plain refusal
            response = JSONResponse({"error": "bad_request"}, status_code=400)
        except sqlite3.Error:  # the database is busy or failing: the page says so and tries again
            response = JSONResponse({"error": "busy"}, status_code=503)
        await response(scope, receive, send)


def strings_for_page() -> dict:
    return {lang: {k: text(k, lang) for k in strings.STUDENT_KEYS} for lang in ("en", "zh")}


_page: str | None = None


def student_page() -> str:
    global _page
    if _page is None:
        strings = json.dumps(strings_for_page(), ensure_ascii=False).replace("</", "<\\/")
        _page = PAGE.read_text(encoding="utf-8").replace("__STRINGS__", strings)
    return _page


def app_kwargs(kwargs: dict) -> dict:
    """`launch(app_kwargs=...)` with the students' page in front of gradio (outermost middleware)."""
    from starlette.middleware import Middleware

    out = dict(kwargs)
    out["middleware"] = [Middleware(ClassroomMiddleware), *kwargs.get("middleware", [])]
    return out
