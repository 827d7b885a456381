#!/usr/bin/env bash
# Report delivery per network owner (ooda notify owner add|list, notify send), with real
# receivers on 127.0.0.1: a directory (the file equals `notify report`'s output), an HTTP
# webhook served by python3 that recomputes the X-Ooda-Signature HMAC-SHA256 with the
# shared secret and keeps the body, and an SMTP sink in python3 that keeps the message
# (the CSV attached). A receiver that is down: exit 69, and nothing remembered for that
# owner. The secret never appears in `owner list` or in any output.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/dns.bash" # free_port
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
DB="$T/n.db"
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap stop EXIT

"$OODA_BUILD/gen-eve" --out "$T/eve.json" --truth "$T/truth.json" --events 20000 --hosts 600 \
  --infected-rate 0.02 --indicators "$T/c2.txt" --seed 61
"$OODA" feed add c2 --format plain --file "$T/c2.txt" --db "$DB" >/dev/null
"$OODA" feed pull c2 --db "$DB" >/dev/null
"$OODA" ingest --quiet --sensor ids-1 --db "$DB" "$T/eve.json"
printf 's3cr3t-shared-key\n' >"$T/secret"

# the webhook receiver: checks the signature, keeps the body
hport=$(free_port)
cat >"$T/hook.py" <<'PY'
import hashlib, hmac, http.server, sys
port, secret, out = int(sys.argv[1]), open(sys.argv[2]).read().strip().encode(), sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        good = hmac.compare_digest(want, self.headers.get("X-Ooda-Signature", ""))
        open(out + ".body", "wb").write(body)
        open(out + ".verdict", "w").write("good" if good else "bad")
        self.send_response(200 if good else 401); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
python3 "$T/hook.py" "$hport" "$T/secret" "$T/hook" & pids+=($!)

# the SMTP sink: enough of RFC 5321 for one message
sport=$(free_port)
cat >"$T/smtp.py" <<'PY'
import socketserver, sys
port, out = int(sys.argv[1]), sys.argv[2]
class S(socketserver.StreamRequestHandler):
    def handle(self):
        w = lambda s: (self.wfile.write((s + "\r\n").encode()), self.wfile.flush())
        w("220 sink ESMTP"); env = []
        while True:
            line = self.rfile.readline().decode(errors="replace")
            if not line: return
            cmd = line.strip().upper()
            if cmd.startswith(("EHLO", "HELO")): w("250 sink")
            elif cmd.startswith(("MAIL FROM", "RCPT TO")): env.append(line.strip()); w("250 ok")
            elif cmd == "DATA":
                w("354 go"); data = []
                while True:
                    l = self.rfile.readline().decode(errors="replace")
                    if l in (".\r\n", ".\n", ""): break
                    data.append(l)
                open(out, "w").write("\n".join(env) + "\n\n" + "".join(data)); w("250 queued")
            elif cmd == "QUIT": w("221 bye"); return
            else: w("250 ok")
socketserver.TCPServer.allow_reuse_address = True
socketserver.TCPServer(("127.0.0.1", port), S).serve_forever()
PY
python3 "$T/smtp.py" "$sport" "$T/mail" & pids+=($!)
for p in $hport $sport; do
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done

mkdir "$T/out"
"$OODA" notify owner add isp-dir --prefix 10.0.0.0/8 --dir "$T/out" --db "$DB" >/dev/null
"$OODA" notify owner add isp-hook --prefix 10.0.0.0/8 --webhook "http://127.0.0.1:$hport/hook" \
  --secret-file "$T/secret" --db "$DB" >/dev/null
"$OODA" notify owner add isp-mail --prefix 10.0.0.0/8 --smtp "smtp://127.0.0.1:$sport" \
  --from ooda@csirt.example --to abuse@isp.example --db "$DB" >/dev/null
"$OODA" notify owner list --json --db "$DB" >"$T/owners.json"
eq "owners" "$(jq -c '[.[] | [.name, .method]]' "$T/owners.json")" '[["isp-dir","file"],["isp-hook","webhook"],["isp-mail","smtp"]]'
grep -q s3cr3t "$T/owners.json" && fail "the secret is listed" || ok
set +e
"$OODA" notify owner add isp-dir --prefix 10.0.0.0/8 --dir "$T/out" --db "$DB" >/dev/null 2>&1
eq "duplicate owner" "$?" 64
"$OODA" notify owner add x --prefix 10.0.0.0/8 --webhook http://127.0.0.1:1/ --db "$DB" >/dev/null 2>&1
eq "webhook without secret" "$?" 64
set -e

"$OODA" notify send --at 2026-11-03T00:00:00Z --db "$DB" >"$T/sent" 2>"$T/send.err"
eq "sent lines" "$(cut -d: -f1 "$T/sent" | paste -sd' ')" "isp-dir isp-hook isp-mail"
"$OODA" notify report --prefix 10.0.0.0/8 --owner check --db "$DB" >"$T/report.csv"
eq "file delivered" "$(cat "$T"/out/isp-dir-20261103T000000Z.csv)" "$(cat "$T/report.csv")"
eq "webhook signature" "$(cat "$T/hook.verdict")" good
eq "webhook rows" "$(jq '.rows | length' "$T/hook.body")" "$(($(wc -l <"$T/report.csv") - 1))"
eq "webhook schema" "$(jq -c '[.schema_version, .owner]' "$T/hook.body")" '[1,"isp-hook"]'
grep -q "RCPT TO:<abuse@isp.example>" "$T/mail" && ok || fail "mail recipient"
grep -q "^Content-Type: text/csv" "$T/mail" && ok || fail "mail attachment"
eq "mail rows" "$(grep -c ',ids-1' "$T/mail")" "$(($(wc -l <"$T/report.csv") - 1))"
grep -rq s3cr3t "$T/sent" "$T/send.err" "$T/mail" "$T/hook.body" && fail "the secret leaked" || ok
eq "remembered" "$("$OODA" notify status --json --db "$DB" | jq -c '[.[] | select(.owner | startswith("isp-")) | [.owner, .reported]]')" \
  "[[\"isp-dir\",$(jq .infected "$T/truth.json")],[\"isp-hook\",$(jq .infected "$T/truth.json")],[\"isp-mail\",$(jq .infected "$T/truth.json")]]"

# a receiver that is down: 69, the others still sent, nothing remembered for it
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
set +e
"$OODA" notify send --at 2026-11-04T00:00:00Z --db "$DB" >"$T/sent2" 2>"$T/send2.err"
eq "down exit" "$?" 69
set -e
grep -q "^ooda: notify send: isp-hook: " "$T/send2.err" && ok || fail "down reported"
eq "others sent" "$(cut -d: -f1 "$T/sent2" | paste -sd' ')" "isp-dir isp-mail"
eq "not remembered" "$("$OODA" notify status --owner isp-hook --json --db "$DB" | jq -r '.[0].last_report')" 2026-11-03T00:00:00Z
finish
