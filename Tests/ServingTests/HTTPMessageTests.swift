// The request parser on byte arrays: framing (Content-Length, chunked, partial input), limits
// (413, 431), malformed input (400, 411, 501, 505), 100-continue, and seeded random garbage.
import Testing
@testable import Serving

@Suite struct HTTPMessageTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func contentLengthBodyArrivesInPieces() throws {
        let whole = bytes("POST /v1/completions?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
        // Every strict prefix needs more; the whole is complete.
        for cut in 0..<whole.count {
            let result = try parseHTTPRequest(Array(whole[..<cut]))
            #expect(result == .needMore(expectsContinue: false), "prefix \(cut)")
        }
        guard case .complete(let request) = try parseHTTPRequest(whole) else {
            Issue.record("not complete")
            return
        }
        #expect(request.method == "POST")
        #expect(request.path == "/v1/completions")
        #expect(request.header("CONTENT-TYPE") == "application/json")
        #expect(request.body == bytes("{\"a\":1}"))
    }

    @Test func chunkedBody() throws {
        let head = "POST /v1/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        let chunks = "4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\nTrailer: x\r\n\r\n"
        let whole = bytes(head + chunks)
        #expect(try parseHTTPRequest(Array(whole.dropLast(2))) == .needMore(expectsContinue: false))
        guard case .complete(let request) = try parseHTTPRequest(whole) else {
            Issue.record("not complete")
            return
        }
        #expect(request.body == bytes("{\"a\":1}"))
        #expect(throws: HTTPError.self) { try parseHTTPRequest(self.bytes(head + "zz\r\n")) }
        #expect(throws: HTTPError(413, "the chunked body exceeds the 4 bytes this server accepts — send fewer prompts per request")) {
            try parseHTTPRequest(self.bytes(head + "5\r\nabcde\r\n0\r\n\r\n"), limits: HTTPLimits(maxBodyBytes: 4))
        }
    }

    @Test func expectContinueIsReported() throws {
        let head = bytes("POST /v1/completions HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
        #expect(try parseHTTPRequest(head) == .needMore(expectsContinue: true))
        if case .complete(let r) = try parseHTTPRequest(head + bytes("abc")) { #expect(r.body == bytes("abc")) } else {
            Issue.record("not complete")
        }
    }

    @Test func limitsAndMalformedRequests() throws {
        func status(_ s: [UInt8], _ limits: HTTPLimits = HTTPLimits()) -> Int? {
            do { _ = try parseHTTPRequest(s, limits: limits); return nil } catch { return error.status }
        }
        #expect(status(bytes("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n"), HTTPLimits(maxBodyBytes: 99)) == 413)
        #expect(status(bytes("GET / HTTP/1.1\r\nX: " + String(repeating: "y", count: 200)), HTTPLimits(maxHeaderBytes: 100)) == 431)
        #expect(status(bytes("GET / HTTP/1.1\r\nX: " + String(repeating: "y", count: 200) + "\r\n\r\n"), HTTPLimits(maxHeaderBytes: 100)) == 431)
        #expect(status(bytes("POST / HTTP/1.1\r\n\r\n")) == 411)
        #expect(status(bytes("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")) == 400)
        #expect(status(bytes("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")) == 400)
        #expect(status(bytes("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n")) == 400)
        #expect(status(bytes("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")) == 501)
        #expect(status(bytes("GET / HTTP/2.0\r\n\r\n")) == 505)
        #expect(status(bytes("GET / HTTP/1.1\r\nno colon here\r\n\r\n")) == 400)
        // A garbage first line is refused as soon as it ends, without waiting for the head.
        #expect(status(bytes("\u{16}\u{03}\u{01}garbage\n")) == 400)
        #expect(status(bytes("GET /ok HTTP/1.1\r\n")) == nil)
    }

    /// Random bytes (seeded) either need more input or fail with a 4xx/5xx — never anything else.
    @Test func randomGarbageNeverCrashes() {
        var state: UInt64 = 0x2545F4914F6CDD1D
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let prefixes = ["", "GET / HTTP/1.1\r\n", "POST /v1/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                        "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\n"]
        var outcomes = Set<Int>()
        for round in 0..<2000 {
            let n = Int(next() % 200)
            let alphabet = Array("\r\n :0aZ/GET1;".utf8)
            let random = (0..<n).map { _ in round % 2 == 0 ? UInt8(truncatingIfNeeded: next()) : alphabet[Int(next() % UInt64(alphabet.count))] }
            let input = bytes(prefixes[round % prefixes.count]) + random
            do {
                switch try parseHTTPRequest(input, limits: HTTPLimits(maxHeaderBytes: 150, maxBodyBytes: 64)) {
                case .needMore: outcomes.insert(0)
                case .complete: outcomes.insert(200)
                }
            } catch {
                #expect(error.status >= 400 && error.status < 600)
                outcomes.insert(error.status)
            }
        }
        #expect(outcomes.contains(400) && outcomes.contains(0))
    }

    @Test func responseSerialization() {
        let response = HTTPResponse(status: 404, json: bytes("{}"), headers: ["Allow": "GET"])
        #expect(String(decoding: response.serialized(), as: UTF8.self)
                == "HTTP/1.1 404 Not Found\r\nAllow: GET\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    }

    @Test func jsonWriterEscapesAndOrdersKeys() {
        let value = JSONOut.object(["b": .array([.int(1), .number(-0.5), .number(2), .number(.infinity), .null, .bool(true)]),
                                    "a": .string("q\"\\\n\u{01}é")])
        #expect(String(decoding: value.serialized(), as: UTF8.self) == #"{"a":"q\"\\\n\u0001é","b":[1,-0.5,2.0,null,null,true]}"#)
    }
}
