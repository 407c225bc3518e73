"""The interview bot's own library: guide, catalog, interview logic, storage, NLU parts."""
