"""Running layer: parameters, papermill runner, HTML export, report site, batch plans, verify, CLI."""
