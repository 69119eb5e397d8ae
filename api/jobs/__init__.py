"""Work that takes a while: the steps of a week's plan (:mod:`api.jobs.pipeline`, shared by
the command line and the service) and the service's background jobs that run them (the
runner in :mod:`api.jobs.runner`; one handler per kind: forecast, schedule, simulation).

Below the edges (``api.cli``, ``api.service``, ``api.web``), above ``api.storage`` and the
domain packages; import-linter keeps it so.
"""
