"""Published API client libraries: which methods of their clients wait on the network.

Tables, not logic, read from each library's released source (never from the user's
environment). A client's method that is not listed is unknown work; the setters listed
as neutral only keep a value on the client.
"""

from __future__ import annotations

from concurrency_lint.knowledge.io_calls import IoKind

#: pixivpy3 (``pixivpy`` on PyPI): ``BasePixivAPI`` sends every request through its
#: ``requests_call`` (a cloudscraper / requests session); ``download`` streams a file.
_PIXIV_BASE_NETWORK = frozenset({"auth", "login", "download", "requests_call"})
_PIXIV_APP_NETWORK = _PIXIV_BASE_NETWORK | frozenset(
    {
        "no_auth_requests_call",
        "user_detail",
        "user_illusts",
        "user_bookmarks_illust",
        "user_bookmark_tags_illust",
        "user_related",
        "user_following",
        "user_follower",
        "user_follow_add",
        "user_follow_delete",
        "user_mypixiv",
        "user_list",
        "user_novels",
        "illust_follow",
        "illust_detail",
        "illust_comments",
        "illust_related",
        "illust_recommended",
        "illust_ranking",
        "illust_new",
        "illust_bookmark_detail",
        "illust_bookmark_add",
        "illust_bookmark_delete",
        "trending_tags_illust",
        "search_illust",
        "search_novel",
        "search_user",
        "ugoira_metadata",
        "novel_series",
        "novel_detail",
        "novel_text",
        "showcase_article",
    }
)
_PIXIV_SETTERS = frozenset(
    {"set_auth", "set_client", "set_additional_headers", "set_accept_language", "require_auth"}
)
_PIXIV_APP = frozenset({"pixivpy3.AppPixivAPI", "pixivpy3.aapi.AppPixivAPI"})
_PIXIV_PUBLIC = frozenset({"pixivpy3.PixivAPI", "pixivpy3.api.PixivAPI", "pixivpy3.papi.PixivAPI"})

#: Client type -> (I/O kind, the methods that do it).
CLIENT_IO_METHODS: dict[frozenset[str], tuple[IoKind, frozenset[str]]] = {
    _PIXIV_APP: ("network", _PIXIV_APP_NETWORK),
    _PIXIV_PUBLIC: ("network", _PIXIV_BASE_NETWORK),
}
#: Client type -> methods that only keep a setting on the client (no I/O, no work).
CLIENT_NEUTRAL_METHODS: dict[frozenset[str], frozenset[str]] = {
    _PIXIV_APP: _PIXIV_SETTERS | frozenset({"set_api_proxy", "parse_qs", "format_bool"}),
    _PIXIV_PUBLIC: _PIXIV_SETTERS,
}


#: google-api-python-client: ``build(...)`` makes a ``Resource`` whose methods, generated
#: from the API's discovery document, make more resources and ``HttpRequest`` objects
#: without I/O; ``execute()`` sends the request (``service.files().list(q=q).execute()``).
API_RESOURCES = frozenset(
    {
        "googleapiclient.discovery.build",
        "googleapiclient.discovery.build_from_document",
        "googleapiclient.discovery.Resource",
        "apiclient.discovery.build",
    }
)
API_REQUEST_SENDERS = frozenset({"execute"})


def client_io_kind(client: str | None, method: str) -> IoKind | None:
    """The I/O kind of ``client.method(...)`` for a known client type, else None."""
    if client is None:
        return None
    for clients, (kind, methods) in CLIENT_IO_METHODS.items():
        if client in clients and method in methods:
            return kind
    return None


def is_neutral_client_method(client: str | None, method: str) -> bool:
    """Whether ``client.method(...)`` only keeps a setting on a known client."""
    return client is not None and any(
        client in clients and method in methods
        for clients, methods in CLIENT_NEUTRAL_METHODS.items()
    )
