"""NLU parts built from the catalog: the spaCy pipeline and Rasa components."""
