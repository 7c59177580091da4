"""The language server: pygls over stdio, one handler per LSP feature, each a
thin call into the module that does the work."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcParseError
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from yamlcheck import __version__
from yamlcheck.server import actions, completion, hover, navigation, symbols
from yamlcheck.server.configs import WATCH_GLOBS, ConfigProblem, Configs, is_config_file
from yamlcheck.server.diagnostics import problem_diagnostic
from yamlcheck.server.documents import DocumentStore
from yamlcheck.server.linting import Linter, Settings, Snapshot, is_linted, uri_to_path

log = logging.getLogger("yamlcheck.server")
F = TypeVar("F", bound=Callable[..., Any])


class _Refused(NamedTuple):
    """A request whose params do not fit its method: answered with the error."""

    id: Any
    error: JsonRpcException
    jsonrpc: Any


def _quiet_refusals(record: logging.LogRecord) -> bool:
    """pygls logs the traceback of a request it could not read, and of a
    message that is not JSON; the answer sent says it all."""
    if str(record.msg).startswith("Unable to deserialize message"):
        return False
    error = record.exc_info[1] if record.exc_info else None
    return not (record.msg == "Unable to handle message" and isinstance(error, ValueError))


class Protocol(LanguageServerProtocol):
    """pygls' protocol without its own copy of the documents: the server keeps
    them (yamlcheck.server.documents), applying each change once; every
    request is answered, one whose params cannot be read with an error."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                return _Refused(data["id"], exc, data.get("jsonrpc"))
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Refused):
            # as pygls does for any request: none of another version, none after shutdown
            if message.jsonrpc == self.VERSION and not self._shutdown:
                self._send_response(message.id, None, message.error.to_response_error())
            return
        super().handle_message(message)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class YamlcheckServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("yamlcheck", __version__, protocol_cls=Protocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.documents = DocumentStore()
        self.configs = Configs()
        self.linter = Linter(self.documents, self.configs, self.publish, self.show_problem,
                             self.report_failure)
        self._shown: set[ConfigProblem] = set()
        self._problem_uris: set[str] = set()

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A message that is not JSON (or not UTF-8) is answered as JSON-RPC
        asks, with a parse error of no id; other errors go to the log."""
        try:
            if source is JsonRpcException and isinstance(error, ValueError):
                self.protocol._send_data({"jsonrpc": "2.0", "id": None,
                                          "error": {"code": JsonRpcParseError.CODE,
                                                    "message": f"Parse error: {error}"}})
                log.warning("a message that is not JSON-RPC: %s", error)
                return
            super().report_server_error(error, source)
        except Exception:  # reporting must never end the read loop
            log.exception("could not report an error")

    def publish(self, uri: str, version: int | None, found: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=found))

    def report_failure(self, what: str) -> None:
        """An unexpected error (a bug): the traceback to stderr, the editor's
        server log, one line to the client's log."""
        log.exception("%s", what)
        exc = sys.exc_info()[1]
        self.window_log_message(types.LogMessageParams(
            type=types.MessageType.Error,
            message=f"yamlcheck: internal error: {what}: {type(exc).__name__}: {exc} "
                    "(this is a bug)"))

    def show_problem(self, problem: ConfigProblem | None) -> None:
        """A config error: once as a message, and as diagnostics on the file."""
        if problem is None or problem in self._shown:
            return
        self._shown.add(problem)
        self.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error,
            message=f"yamlcheck: {problem.path}: invalid configuration, linting with the "
                    f"defaults: {problem.lines[0]}"))
        uri = Path(problem.path).as_uri()
        self._problem_uris.add(uri)
        self.publish(uri, None, [problem_diagnostic(*place) for place in problem.located()])

    def config_changed(self) -> None:
        self.configs.forget()
        self._shown.clear()
        for uri in self._problem_uris:
            self.publish(uri, None, [])
        self._problem_uris.clear()
        self.linter.schedule_all()

    def snapshot(self, uri: str) -> Snapshot | None:
        return self.linter.snapshots.get(uri) if is_linted(uri) else None


server = YamlcheckServer()


def guarded(default: Any = None) -> Callable[[F], F]:
    """Log a failure inside a handler and answer ``default`` instead."""
    def wrap(handler: F) -> F:
        @functools.wraps(handler)
        def run(*args: Any) -> Any:
            try:
                return handler(*args)
            except Exception:  # noqa: BLE001  (one bad request must not end the session)
                server.report_failure(f"{handler.__name__} failed")
                return default
        return run  # type: ignore[return-value]
    return wrap


@server.feature(types.INITIALIZE)
def initialize(params: types.InitializeParams) -> None:
    server.linter.settings = Settings.parse(params.initialization_options)
    general = params.capabilities.general
    encodings = (general.position_encodings if general else None) or []
    chosen = next((e for e in encodings if e in ("utf-16", "utf-8", "utf-32")), "utf-16")
    server.documents.encoding = str(chosen)


@server.feature(types.INITIALIZED)
async def initialized(params: types.InitializedParams) -> None:
    workspace = server.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCH_GLOBS])
    try:
        await server.client_register_capability_async(types.RegistrationParams(registrations=[
            types.Registration(id="yamlcheck-config-files",
                               method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                               register_options=options)]))
    except Exception:  # noqa: BLE001  (a client that refuses: saves still re-read configs)
        log.info("the client did not register the config file watchers")


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded()
def did_open(params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    server.documents.open(item.uri, item.text, item.version, item.language_id)
    server.linter.schedule(item.uri, debounce=False)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded()
def did_change(params: types.DidChangeTextDocumentParams) -> None:
    document = server.documents.get(params.text_document.uri)
    if document is None:
        return
    document.apply(params.content_changes, params.text_document.version)
    server.linter.schedule(document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@guarded()
def did_close(params: types.DidCloseTextDocumentParams) -> None:
    server.documents.close(params.text_document.uri)
    server.linter.close(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@guarded()
def did_save(params: types.DidSaveTextDocumentParams) -> None:
    server.linter.files_changed()  # a saved file may be one a command runs
    if is_config_file(uri_to_path(params.text_document.uri)):
        server.config_changed()
    else:
        server.linter.schedule_all()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded()
def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
    server.linter.files_changed()
    if any(is_config_file(uri_to_path(change.uri)) for change in params.changes):
        server.config_changed()
    else:
        server.linter.schedule_all()


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]))
@guarded(default=[])
def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
    snapshot = server.snapshot(params.text_document.uri)
    return actions.code_actions(snapshot, params) if snapshot else []


@server.feature(types.TEXT_DOCUMENT_HOVER)
@guarded()
def on_hover(params: types.HoverParams) -> types.Hover | None:
    snapshot = server.snapshot(params.text_document.uri)
    return hover.hover(snapshot, params.position) if snapshot else None


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(
    trigger_characters=[":", ".", "{", " ", "-"]))
@guarded()
def on_completion(params: types.CompletionParams) -> types.CompletionList | None:
    uri = params.text_document.uri
    document = server.documents.get(uri)
    if document is None or not is_linted(uri):
        return None
    return completion.complete(document, server.linter.snapshots.get(uri), params.position,
                               _markdown_documentation())


def _markdown_documentation() -> bool:
    text = server.client_capabilities.text_document
    item = text.completion.completion_item if text and text.completion else None
    return bool(item and item.documentation_format
                and types.MarkupKind.Markdown in item.documentation_format)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@guarded()
def on_definition(params: types.DefinitionParams) -> list[types.Location] | None:
    snapshot = server.snapshot(params.text_document.uri)
    return navigation.definition(snapshot, params.position) if snapshot else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
@guarded()
def on_references(params: types.ReferenceParams) -> list[types.Location] | None:
    snapshot = server.snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    return navigation.references(snapshot, params.position, params.context.include_declaration)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@guarded()
def on_document_symbol(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
    snapshot = server.snapshot(params.text_document.uri)
    return symbols.document_symbols(snapshot) if snapshot else None


@server.feature(types.SHUTDOWN)
def on_shutdown(params: None) -> None:
    server.linter.shutdown()


def run() -> None:
    """Serve over stdin/stdout until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="yamlcheck server: %(message)s")
    for name in ("pygls.protocol.json_rpc", "pygls.io_", "pygls.server"):
        logging.getLogger(name).addFilter(_quiet_refusals)
    server.start_io()
