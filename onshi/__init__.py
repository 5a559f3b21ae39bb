"""onshi: audit and generate the edge network of Japanese medical facilities (オンライン資格確認)."""

__version__ = "0.1.0"
