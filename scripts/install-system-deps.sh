#!/bin/sh
# Debian packages the tests and benchmarks use: the registry (docker-registry),
# skopeo, node with npm (which install yaml-language-server for the editor
# tests), and neovim (a real editor for the language server's tests).
# Installed only when missing; needs root or sudo.
set -eu
missing=""
command -v docker-registry >/dev/null 2>&1 || missing="$missing docker-registry"
command -v skopeo >/dev/null 2>&1 || missing="$missing skopeo"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
command -v nvim >/dev/null 2>&1 || missing="$missing neovim"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "installing:$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
