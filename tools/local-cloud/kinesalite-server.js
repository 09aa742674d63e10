#!/usr/bin/env node
// kinesalite 3.3.3 with two changes, and otherwise as published:
// - requests that name the stream only by StreamARN (as the Flink KinesisStreamsSource 4.x and newer
//   AWS SDKs send them) get the StreamName that kinesalite expects, taken from the ARN
//   (arn:aws:kinesis:<region>:<account>:stream/<name>);
// - a GetRecords answer without records is held back a little, as real Kinesis throttles polling.
// Used by the tests and by `bedrock-cost-stream run --local-cloud`.
//
// Usage: node kinesalite-server.js [--port <port>] [--host <address>] [--emptyGetRecordsDelayMs <ms>] [kinesalite options]
//   --port 0 picks a free port; the line "Listening at http://<host>:<port>" on stdout says which.
//   A GetRecords answer without records is held back 200 ms by default (see delayIfEmpty).
//   The server exits when its standard input closes, so it never outlives the process that started it.

'use strict'

var PassThrough = require('stream').PassThrough
var argv = require('minimist')(process.argv.slice(2))
var kinesalite = require('kinesalite')

var AMZ_JSON = 'application/x-amz-json-1.1'

var emptyGetRecordsDelayMs = argv.emptyGetRecordsDelayMs != null ? +argv.emptyGetRecordsDelayMs : 200
var options = {
  createStreamMs: argv.createStreamMs != null ? +argv.createStreamMs : 50,
  deleteStreamMs: argv.deleteStreamMs != null ? +argv.deleteStreamMs : 50,
  updateStreamMs: argv.updateStreamMs != null ? +argv.updateStreamMs : 50,
  shardLimit: argv.shardLimit != null ? +argv.shardLimit : 100,
}
var server = kinesalite(options)
var handlers = server.listeners('request')
server.removeAllListeners('request')

server.on('request', function(req, res) {
  var chunks = []
  req.on('data', function(c) { chunks.push(c) })
  req.on('error', function() { res.destroy() })
  req.on('end', function() {
    var body = Buffer.concat(chunks)
    var contentType = (req.headers['content-type'] || '').split(';')[0].trim()
    var operation = (req.headers['x-amz-target'] || '').split('.')[1]
    if (contentType === AMZ_JSON && body.length > 0) {
      body = withStreamName(body, operation)
    }
    if (operation === 'GetRecords' && emptyGetRecordsDelayMs > 0) {
      delayIfEmpty(res)
    }
    // kinesalite reads the request as a stream: hand it the (possibly rewritten) body the same way.
    var copy = new PassThrough()
    copy.headers = req.headers
    copy.method = req.method
    copy.url = req.url
    copy.httpVersion = req.httpVersion
    copy.socket = req.socket
    handlers.forEach(function(h) { h.call(server, copy, res) })
    copy.end(body)
  })
})

// Real Kinesis serves at most 5 GetRecords calls per second and shard; kinesalite answers at once,
// so a poller with nothing to read (the Flink source polls without pausing) would keep both busy.
// An answer with no records waits a little, as if the caller had been throttled.
function delayIfEmpty(res) {
  var end = res.end
  res.end = function(chunk) {
    var args = arguments
    var empty = chunk != null && /"Records":\[\]/.test(chunk.toString())
    if (!empty) return end.apply(res, args)
    setTimeout(function() { end.apply(res, args) }, emptyGetRecordsDelayMs)
    return res
  }
}

function withStreamName(body, operation) {
  var data
  try {
    data = JSON.parse(body.toString('utf8'))
  } catch (e) {
    return body // kinesalite answers malformed JSON itself
  }
  if (data && typeof data === 'object' && typeof data.StreamARN === 'string' && data.StreamName == null) {
    var slash = data.StreamARN.indexOf(':stream/')
    if (slash >= 0) {
      data.StreamName = data.StreamARN.substring(slash + ':stream/'.length)
      // ListShards accepts either a stream name or a NextToken, never both.
      if (operation === 'ListShards' && data.NextToken != null) delete data.StreamName
      return Buffer.from(JSON.stringify(data), 'utf8')
    }
  }
  return body
}

var host = argv.host || '127.0.0.1'
server.listen(argv.port != null ? +argv.port : 4567, host, function() {
  var address = server.address()
  console.log('Listening at http://%s:%s', address.address, address.port)
})

process.stdin.on('end', function() { process.exit(0) })
process.stdin.on('error', function() { process.exit(0) })
process.stdin.resume()
process.on('SIGTERM', function() { process.exit(0) })
process.on('SIGINT', function() { process.exit(0) })
