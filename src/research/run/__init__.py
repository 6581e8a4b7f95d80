"""Running layer: parameters, papermill runner, HTML export, report site, batch plans, verify, CLI."""

from research.run.lazy import defer_rfc3987_syntax

defer_rfc3987_syntax()  # saves ~0.65 s of every `import papermill` / nbconvert (see run.lazy)
