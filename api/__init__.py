"""staffcast's outer layer: the command line (and, later, the HTTP service and web page).

The only package that touches files, settings, the network, storage and plotting. It composes
``forecast`` (history → workload) and ``scheduler`` (workload → requirements → schedule).
"""
