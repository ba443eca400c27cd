// The reference check of the project's C2SP notes, with Go's own note package
// (golang.org/x/mod/sumdb/note). Builds offline from Debian's golang-golang-x-mod-dev;
// elsewhere, point the replace at a checkout of golang.org/x/mod (v0.7.0 or newer).
module aid-escrow-ledger/notecheck

go 1.19

require golang.org/x/mod v0.7.0

replace golang.org/x/mod => /usr/share/gocode/src/golang.org/x/mod
