#!/usr/bin/env bash
# git-pod-uploadpack.sh: serve `git fetch` from the API pod's data repository.
#
# The API pod keeps its data as a *bare* git clone (objects and refs only, no working
# tree) at /app/data on an emptyDir volume. That volume lives exactly as long as the pod:
# it survives container restarts, but it is gone, with any commit not yet pushed to
# origin, once the pod is deleted, evicted or replaced by a rollout. Fetch from it before
# replacing the pod if it may hold commits origin lacks.
#
# Git runs this script through its ext:: transport and speaks the pack protocol over its
# stdin/stdout. The script always runs `git upload-pack`, which only serves fetches, so
# `git push pod` fails instead of writing into the pod.
#
# Use (allow ext:: for this one command only; never set protocol.ext.allow=always in a
# config file, since ext:: URLs run local commands):
#
#   git remote add pod "ext::$PWD/scripts/git-pod-uploadpack.sh"
#   git -c protocol.ext.allow=always fetch pod
#   git log --oneline origin/published..pod/published   # on the pod, not on origin
#
# Environment:
#   CFP_POD_KUBECONFIG  kubeconfig to use (default: $HOME/.kube/cfp-sandbox-cluster-kubeconfig.yaml)
#   CFP_POD_NAMESPACE   namespace of the deployment (default: codeforphilly-rewrite-sandbox)
#   CFP_POD_SELECTOR    label selector of the API pod (default: app.kubernetes.io/name=codeforphilly)
#   CFP_POD_DATA_PATH   repository path inside the container (default: /app/data)
#   CFP_POD_NAME        the pod to fetch from, instead of the first Running one (after a
#                       node failure the first may be the old pod on the dead node)
set -euo pipefail

KUBECONFIG_FILE="${CFP_POD_KUBECONFIG:-$HOME/.kube/cfp-sandbox-cluster-kubeconfig.yaml}"
NAMESPACE="${CFP_POD_NAMESPACE:-codeforphilly-rewrite-sandbox}"
SELECTOR="${CFP_POD_SELECTOR:-app.kubernetes.io/name=codeforphilly}"
DATA_PATH="${CFP_POD_DATA_PATH:-/app/data}"

if [ -n "${CFP_POD_NAME:-}" ]; then
  POD="$CFP_POD_NAME"
else
  # All Running pods, space separated; an empty list is not an error for `[*]`, so the
  # check below is what reports "no pod".
  PODS="$(kubectl --kubeconfig="$KUBECONFIG_FILE" -n "$NAMESPACE" get pod -l "$SELECTOR" \
    --field-selector=status.phase=Running -o jsonpath='{.items[*].metadata.name}')"
  POD="${PODS%% *}"
fi

if [ -z "$POD" ]; then
  echo "git-pod-uploadpack: no Running pod matches '$SELECTOR' in namespace '$NAMESPACE'" >&2
  exit 1
fi

exec kubectl --kubeconfig="$KUBECONFIG_FILE" -n "$NAMESPACE" exec -i "$POD" -- \
  git upload-pack "$DATA_PATH"
