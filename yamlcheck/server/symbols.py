"""symbols."""
def document_symbols(snapshot):
    return None
