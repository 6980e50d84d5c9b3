"""A national backlog on a cluster: the pipeline on Dask, its results as Parquet shards, shards merged into catalogs.

:func:`extractor.shards.engine.ingest` runs the same library code as ``ingest`` on a Dask cluster (a
``LocalCluster`` on this machine, or an existing scheduler): a ``dask.bag`` over the input files, each task
identifying, reading and extracting one file. Each partition of the bag writes its results as Parquet files
(pyarrow) under the shard folder, partitioned by province and year (see :data:`extractor.shards.layout.TABLES`):

- ``notices``: one row per input file of a run, in the run's order: path, catalog key, content hash, identity key,
  place, year, and the extracted notice (to be merged by the same policyx version), or the reason it failed;
- ``documents``, ``targets``, ``amounts``, ``obligations``, ``obligation_departments``, ``citations``: flat rows
  of each notice for analysis without a catalog.

A re-run skips the files whose key and content are in the shards already. :func:`extractor.shards.build.build`
replays the shards' notices, run by run and in each run's order, through the catalog's own ingest, so the catalog
built from shards holds exactly the rows a plain ``ingest`` of the same files gives (one notice one row, the same
identity rules, the same failures).
"""
