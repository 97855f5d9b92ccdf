"""rag: answers from your own documents, every claim cited to its lines.

Importing this package is cheap: the embedding model, FAISS and the index
load on first use inside `Assistant`.
"""

__version__ = "0.1.0"


def __getattr__(name):
    # Lazy so `import rag` (and `rag --help`) does not import torch.
    if name == "Assistant":
        from .assistant import Assistant

        return Assistant
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(name)


__all__ = ["Assistant", "Settings", "__version__"]
