"""A local NukeViet stand-in for tests: page renderers and a server for the rendered tree."""
