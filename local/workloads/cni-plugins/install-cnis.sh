#!/bin/sh
# Copies every plugin into the host folder mounted at /host/opt/cni/bin (a stand-in's own default;
# cnilab's prerequisites DaemonSet runs its own cp of the plugins it needs).
set -e
cp -f /opt/cni/bin/* /host/opt/cni/bin/
ls -l /host/opt/cni/bin
