"""Composed image + relative-text retrieval for the fashion store (plain PyTorch, no Django)."""
