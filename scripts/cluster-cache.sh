# shellcheck shell=bash
# Sourced by scripts/control-plane.sh and scripts/docker-engine.sh: where the cluster tests' build
# cache lives, and where the Terraform providers built into it sit in its filesystem mirror
# (registry layout, read through the terraformrc the control plane writes).
# shellcheck disable=SC2034 # each sourcing script uses its own share of these

CACHE="${KODUS_CLUSTER_CACHE:-$HOME/.cache/kodus-cluster}"
# hashicorp/kubernetes 2.38.0 (what @cdktf/provider-kubernetes 12.1.1 wraps) and
# kreuzwerker/docker 3.6.2 (what @cdktf/provider-docker 12.0.3 wraps).
TFK8S_VERSION="2.38.0"
TFDOCKER_VERSION="3.6.2"
MIRROR_DIR="$CACHE/terraform-providers"
TFK8S_DIR="$MIRROR_DIR/registry.terraform.io/hashicorp/kubernetes/$TFK8S_VERSION/linux_amd64"
TFDOCKER_DIR="$MIRROR_DIR/registry.terraform.io/kreuzwerker/docker/$TFDOCKER_VERSION/linux_amd64"
TFK8S_BIN="$TFK8S_DIR/terraform-provider-kubernetes_v$TFK8S_VERSION"
TFDOCKER_BIN="$TFDOCKER_DIR/terraform-provider-docker_v$TFDOCKER_VERSION"
TF_CLI_CONFIG="$CACHE/terraformrc"
