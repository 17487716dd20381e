"""Prometheus metrics. With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR
(see docs/exploitation.md)."""

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
    multiprocess,
)

REGISTRY = CollectorRegistry(auto_describe=True)
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    ProcessCollector(registry=REGISTRY)  # CPU seconds, resident memory, open fds

REQUESTS = Counter(
    "civitas_http_requests_total",
    "HTTP requests",
    ["method", "view", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "civitas_http_request_seconds",
    "HTTP request latency",
    ["view"],
    registry=REGISTRY,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
)


def observe_request(method, view, status, seconds):
    REQUESTS.labels(method, view, str(status)).inc()
    LATENCY.labels(view).observe(seconds)


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
