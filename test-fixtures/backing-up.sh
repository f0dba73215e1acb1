#!/usr/bin/env bash
# Exit 0 when the backing IMAP service already answers on its port (so a caller
# that finds it running knows it did not start it and must not stop it).
port=${EASGATE_IMAP_PORT:-10143}
exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || exit 1
IFS= read -r -t 2 greeting <&3 || exit 1
[[ $greeting == "* OK"* ]]
