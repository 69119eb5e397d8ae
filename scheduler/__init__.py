"""Staffing math and the weekly shift optimizer. Pure: numpy, pandas and OR-Tools in and out;
no files, clock, network, HTTP, storage or plotting.

Subpackages, each with a small public surface (its ``__all__``):

* :mod:`scheduler.staffing` — queueing models, service targets, the workload table from the
  forecaster and the agents it needs per interval.
* :mod:`scheduler.shifts` — the shift optimizer: rules, agents, the formulation and the
  solve; it uses the staffing math, never the other way round.
* :mod:`scheduler.simulation` — a discrete-event check of a schedule's week.

Shared by all three: :mod:`scheduler.errors` (the error hierarchy),
:mod:`scheduler.calendar` (weekdays, time windows, overnight hours) and
:mod:`scheduler.arrays` (the numpy array types of their signatures).
"""
