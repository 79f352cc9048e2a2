"""Dialogs: they collect values and return them; services act on them."""
