# dns.bash - shared by the tests that run real DNS servers (sourced after lib.bash; not a
# test itself): free ports, bounded waits, an authoritative named for "example." and the
# common part of an Unbound configuration. Callers keep server pids in the array pids.

# A port free for both TCP and UDP on 127.0.0.1.
free_port() {
  python3 -c 'import socket
while True:
    t=socket.socket(); t.bind(("127.0.0.1",0)); p=t.getsockname()[1]
    u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1",p)); print(p); break
    except OSError: pass'
}
# wait_dns PORT NAME: until the server answers a SOA query (bounded: 10 s)
wait_dns() {
  for _ in $(seq 50); do
    kdig -p "$1" @127.0.0.1 +time=1 +retry=0 "$2" SOA >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}
# wait_line FILE PATTERN: until FILE has a line matching PATTERN (bounded: 10 s)
wait_line() {
  for _ in $(seq 50); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  return 1
}
# start_auth DIR PORT: named, authoritative for "example." with the records read from
# stdin (after the SOA and NS), listening on 127.0.0.1:PORT.
start_auth() {
  mkdir -p "$1"
  { printf '$TTL 60\n@ IN SOA ns.example. hostmaster.example. 1 3600 600 86400 60\n'
    printf '@ IN NS ns.example.\nns IN A 127.0.0.1\n'; cat; } >"$1/example.zone"
  cat >"$1/named.conf" <<EOF
options {
  directory "$1"; pid-file "$1/pid"; session-keyfile "$1/skey";
  listen-on port $2 { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no;
};
controls { };
zone "example" { type primary; file "example.zone"; };
EOF
  named -g -c "$1/named.conf" >"$1/log" 2>&1 &
  pids+=($!)
}
# unbound_server DIR PORT AUTHPORT: the server: and stub-zone: clauses of an Unbound
# configuration in DIR, resolving "example." through the named of start_auth.
unbound_server() {
  cat <<EOF
server:
  interface: 127.0.0.1
  port: $2
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$1"
  pidfile: "$1/pid"
  use-syslog: no
  do-daemonize: no
  verbosity: ${UNBOUND_VERBOSITY:-1}
  module-config: "respip iterator"
  do-not-query-localhost: no
  qname-minimisation: no
  access-control: 127.0.0.0/8 allow
stub-zone:
  name: "example."
  stub-addr: 127.0.0.1@$3
EOF
}
