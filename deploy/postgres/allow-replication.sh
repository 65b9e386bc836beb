#!/bin/sh
# Run once by the postgres image when it creates the primary's data folder: the read replica
# (service db-replica) connects as the store's user to stream the WAL.
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
