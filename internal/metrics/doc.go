// Package metrics holds what Sluice's metrics share: the Prometheus
// registry of a process, its HTTP handler, and a lock-free latency
// histogram that hot paths can record into without depending on Prometheus.
//
// # Conventions
//
// Metric names start with "sluice_", then the component ("journal",
// "container", "lts", "table", "controller"), and end in the unit
// ("_seconds", "_bytes") or "_total" for counters, as Prometheus advises.
// Per-container series carry the label container="<id>". Components do not
// register metrics on their hot paths: they keep atomic counters (or a
// Histogram) and expose them through a Stats method; a prometheus.Collector
// per component turns Stats into samples when /metrics is scraped, so a
// scrape costs a few locks and a hot path costs an atomic add.
//
// The standalone node serves the registry at /metrics on its REST address.
package metrics
