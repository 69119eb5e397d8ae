"""staffcast's outer layer: the command line, the HTTP service and its web page.

The only package that touches files, settings, the network, storage and plotting. It composes
``forecast`` (history → workload) and ``scheduler`` (workload → requirements → schedule), in
layers that import only downwards (import-linter checks them, see ``pyproject.toml``)::

    cli                      staffcast's commands (``serve`` and ``demo`` start the service)
    service : web            the HTTP API and the manager's page (one edge; routes stay thin)
    jobs | charts            the steps of a week's plan and the background jobs that run them;
                             the plotly figures
    storage                  every database query (SQLAlchemy models, migrations, teams, jobs)
    settings | tables | target_fields | request_models
"""
