"""The language server (``yamlcheck server``): LSP 3.17 over stdio.

It lints open valohai.yaml buffers with the same engine and config discovery
as ``yamlcheck lint`` and adds what an editor needs on top: quick fixes,
hover, completion, navigation and symbols.  Needs the ``lsp`` extra (pygls
and lsprotocol); nothing outside this package imports it.
"""
