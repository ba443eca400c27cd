// notecheck verifies signed notes, checkpoints, cosignatures and tlog proofs with Go's
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog, for the project's tests: what
// the TypeScript library signs must open here, and what Go signs must open there.
//
// Go's note package (x/mod) knows Ed25519 note keys (type 0x01) only. The cosignature/v1
// verifier below (type 0x04) is written here from c2sp.org/tlog-cosignature and plugged into
// note.Open as a note.Verifier: the note parsing and signature dispatch stay Go's.
//
//	notecheck open  [--vkey V]... [--cosigner-vkey W]... < note
//	notecheck batch [--vkey V]... [--cosigner-vkey W]... < JSON lines {"note": base64}
//	notecheck sign  --skey S < text
//	notecheck proof --vkey LOG [--cosigner-vkey W]... --leaf-hash HEX [--quorum K] < tlog-proof
//	notecheck tree  --old-size N --old-root B64 --size M --root B64 < consistency proof lines
package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

type sig struct {
	Name      string `json:"name"`
	KeyID     string `json:"keyId"`
	Timestamp *int64 `json:"timestamp,omitempty"`
}

type result struct {
	OK         bool   `json:"ok"`
	Error      string `json:"error,omitempty"`
	Text       string `json:"text,omitempty"`
	Sigs       []sig  `json:"sigs,omitempty"`
	Unverified []sig  `json:"unverified,omitempty"`
	Origin     string `json:"origin,omitempty"`
	Size       int64  `json:"size,omitempty"`
	Index      *int64 `json:"index,omitempty"`
}

// cosigV1 is a note.Verifier for Ed25519 cosignature/v1 (signature type 0x04).
type cosigV1 struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (v *cosigV1) Name() string    { return v.name }
func (v *cosigV1) KeyHash() uint32 { return v.hash }
func (v *cosigV1) Verify(msg, s []byte) bool {
	if len(s) != 8+ed25519.SignatureSize || bytes.Count(msg, []byte("\n")) < 3 {
		return false
	}
	t := binary.BigEndian.Uint64(s)
	if t > 1<<63-1 {
		return false
	}
	m := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	return ed25519.Verify(v.key, m, s[8:])
}

func newCosigV1(vkey string) (*cosigV1, error) {
	parts := strings.SplitN(vkey, "+", 3) // the base64 key may hold "+" too
	if len(parts) != 3 || len(parts[1]) != 8 {
		return nil, errors.New("malformed cosigner vkey")
	}
	h, err := strconv.ParseUint(parts[1], 16, 32)
	key, err2 := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || err2 != nil || len(key) != 33 || key[0] != 0x04 {
		return nil, errors.New("not an Ed25519 cosignature/v1 vkey")
	}
	d := sha256.Sum256(append([]byte(parts[0]+"\n"), key...))
	if binary.BigEndian.Uint32(d[:4]) != uint32(h) {
		return nil, errors.New("cosigner vkey: key ID mismatch")
	}
	return &cosigV1{name: parts[0], hash: uint32(h), key: ed25519.PublicKey(key[1:])}, nil
}

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: notecheck open|batch|sign|proof|tree ..."))
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	var vkeys, cosigners list
	fs.Var(&vkeys, "vkey", "an Ed25519 note vkey (type 0x01)")
	fs.Var(&cosigners, "cosigner-vkey", "an Ed25519 cosignature/v1 vkey (type 0x04)")
	skey := fs.String("skey", "", "a signer key PRIVATE+KEY+...")
	leaf := fs.String("leaf-hash", "", "hex RFC 6962 leaf hash")
	quorum := fs.Int("quorum", 0, "cosignatures needed")
	oldSize := fs.Int64("old-size", 0, "")
	oldRoot := fs.String("old-root", "", "")
	size := fs.Int64("size", 0, "")
	root := fs.String("root", "", "")
	fs.Parse(os.Args[2:])

	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	switch os.Args[1] {
	case "sign":
		signer, err := note.NewSigner(*skey)
		if err != nil {
			fail(err)
		}
		msg, err := note.Sign(&note.Note{Text: string(input)}, signer)
		if err != nil {
			fail(err)
		}
		os.Stdout.Write(msg)
		return
	case "tree":
		emit(checkTree(input, *oldSize, *oldRoot, *size, *root))
		return
	}
	verifiers, cosigV1s := buildVerifiers(vkeys, cosigners)
	switch os.Args[1] {
	case "open":
		emit(open(input, verifiers, cosigV1s))
	case "batch":
		scanner := bufio.NewScanner(bytes.NewReader(input))
		scanner.Buffer(make([]byte, 1<<20), 1<<24)
		for scanner.Scan() {
			var item struct{ Note string }
			if err := json.Unmarshal(scanner.Bytes(), &item); err != nil {
				fail(err)
			}
			msg, err := base64.StdEncoding.DecodeString(item.Note)
			if err != nil {
				fail(err)
			}
			r := open(msg, verifiers, cosigV1s)
			line, _ := json.Marshal(r)
			fmt.Println(string(line))
		}
	case "proof":
		emit(checkProof(input, verifiers, cosigV1s, *leaf, *quorum))
	default:
		fail(fmt.Errorf("unknown command %s", os.Args[1]))
	}
}

func buildVerifiers(vkeys, cosigners list) (note.Verifiers, map[string]bool) {
	var all []note.Verifier
	isCosig := map[string]bool{}
	for _, k := range vkeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			fail(fmt.Errorf("vkey %s: %v", k, err))
		}
		all = append(all, v)
	}
	for _, k := range cosigners {
		v, err := newCosigV1(k)
		if err != nil {
			fail(fmt.Errorf("cosigner vkey %s: %v", k, err))
		}
		all = append(all, v)
		isCosig[fmt.Sprintf("%s+%08x", v.name, v.hash)] = true
	}
	return note.VerifierList(all...), isCosig
}

func open(msg []byte, verifiers note.Verifiers, cosig map[string]bool) result {
	n, err := note.Open(msg, verifiers)
	if err != nil {
		return result{Error: err.Error()}
	}
	r := result{OK: true, Text: n.Text}
	for _, s := range n.Sigs {
		id := fmt.Sprintf("%08x", s.Hash)
		out := sig{Name: s.Name, KeyID: id}
		if cosig[s.Name+"+"+id] {
			raw, _ := base64.StdEncoding.DecodeString(s.Base64)
			t := int64(binary.BigEndian.Uint64(raw[4:12]))
			out.Timestamp = &t
		}
		r.Sigs = append(r.Sigs, out)
	}
	for _, s := range n.UnverifiedSigs {
		r.Unverified = append(r.Unverified, sig{Name: s.Name, KeyID: fmt.Sprintf("%08x", s.Hash)})
	}
	return r
}

// parseCheckpoint reads the three lines of c2sp.org/tlog-checkpoint.
func parseCheckpoint(text string) (origin string, size int64, root tlog.Hash, err error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return "", 0, root, errors.New("not a checkpoint")
	}
	size, err = strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return "", 0, root, errors.New("bad tree size")
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return "", 0, root, errors.New("bad root hash")
	}
	copy(root[:], h)
	return lines[0], size, root, nil
}

// checkProof verifies a c2sp.org/tlog-proof: the checkpoint note with note.Open (a log key
// named as the origin, and at least quorum cosignatures), the inclusion with tlog.CheckRecord.
func checkProof(input []byte, verifiers note.Verifiers, cosig map[string]bool, leafHex string, quorum int) result {
	rest := string(input)
	next := func() (string, bool) {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			return "", false
		}
		line := rest[:i]
		rest = rest[i+1:]
		return line, true
	}
	if line, ok := next(); !ok || line != "c2sp.org/tlog-proof@v1" {
		return result{Error: "no tlog-proof header"}
	}
	line, _ := next()
	if strings.HasPrefix(line, "extra ") {
		if _, err := base64.StdEncoding.DecodeString(line[len("extra "):]); err != nil {
			return result{Error: "bad extra line"}
		}
		line, _ = next()
	}
	if !strings.HasPrefix(line, "index ") {
		return result{Error: "no index line"}
	}
	index, err := strconv.ParseInt(line[len("index "):], 10, 64)
	if err != nil || index < 0 {
		return result{Error: "bad index"}
	}
	var proof tlog.RecordProof
	for {
		line, ok := next()
		if !ok {
			return result{Error: "no blank line before the checkpoint"}
		}
		if line == "" {
			break
		}
		h, err := base64.StdEncoding.DecodeString(line)
		if err != nil || len(h) != tlog.HashSize {
			return result{Error: "bad proof hash"}
		}
		var hash tlog.Hash
		copy(hash[:], h)
		proof = append(proof, hash)
	}
	opened := open([]byte(rest), verifiers, cosig)
	if !opened.OK {
		return opened
	}
	origin, size, root, err := parseCheckpoint(opened.Text)
	if err != nil {
		return result{Error: err.Error()}
	}
	logSigned, cosigned := false, 0
	for _, s := range opened.Sigs {
		if cosig[s.Name+"+"+s.KeyID] {
			cosigned++
		} else if s.Name == origin {
			logSigned = true
		}
	}
	if !logSigned {
		return result{Error: "no signature by a log key named as the origin " + origin}
	}
	if cosigned < quorum {
		return result{Error: fmt.Sprintf("%d cosignatures, %d needed", cosigned, quorum)}
	}
	leaf, err := hex.DecodeString(leafHex)
	if err != nil || len(leaf) != tlog.HashSize {
		return result{Error: "bad --leaf-hash"}
	}
	var leafHash tlog.Hash
	copy(leafHash[:], leaf)
	if err := tlog.CheckRecord(proof, size, root, index, leafHash); err != nil {
		return result{Error: "inclusion: " + err.Error()}
	}
	opened.Origin, opened.Size, opened.Index = origin, size, &index
	return opened
}

// checkTree verifies an RFC 6962 consistency proof with tlog.CheckTree.
func checkTree(input []byte, oldSize int64, oldRoot string, size int64, root string) result {
	var proof tlog.TreeProof
	for _, line := range strings.Fields(string(input)) {
		h, err := base64.StdEncoding.DecodeString(line)
		if err != nil || len(h) != tlog.HashSize {
			return result{Error: "bad proof hash"}
		}
		var hash tlog.Hash
		copy(hash[:], h)
		proof = append(proof, hash)
	}
	decode := func(s string) (h tlog.Hash) {
		b, _ := base64.StdEncoding.DecodeString(s)
		copy(h[:], b)
		return h
	}
	if err := tlog.CheckTree(proof, size, decode(root), oldSize, decode(oldRoot)); err != nil {
		return result{Error: err.Error()}
	}
	return result{OK: true, Size: size}
}

func emit(r result) {
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
	if !r.OK {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "notecheck:", err)
	os.Exit(2)
}
