#!/bin/sh
# Waits for the Temporal server, then creates the namespace Followup uses unless it exists.
# Followup's API processes register the search attributes themselves.
set -eu
until temporal operator cluster health --address temporal:7233 >/dev/null 2>&1; do
  echo 'waiting for the Temporal server'
  sleep 2
done
temporal operator namespace describe --namespace "$NAMESPACE" --address temporal:7233 >/dev/null 2>&1 \
  || temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address temporal:7233
echo "namespace $NAMESPACE ready"
