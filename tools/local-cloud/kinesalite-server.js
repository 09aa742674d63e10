#!/usr/bin/env node
// kinesalite 3.3.3 with one fix: requests that name the stream only by StreamARN (as the Flink
// KinesisStreamsSource 4.x and newer AWS SDKs send them) get the StreamName that kinesalite expects,
// taken from the ARN (arn:aws:kinesis:<region>:<account>:stream/<name>). Everything else is
// kinesalite as published. Used by the tests and by `bedrock-cost-stream run --local-cloud`.
//
// Usage: node kinesalite-server.js [--port <port>] [--host <address>] [kinesalite options]
//   --port 0 picks a free port; the line "Listening at http://<host>:<port>" on stdout says which.
//   The server exits when its standard input closes, so it never outlives the process that started it.

'use strict'

var PassThrough = require('stream').PassThrough
var argv = require('minimist')(process.argv.slice(2))
var kinesalite = require('kinesalite')

var AMZ_JSON = 'application/x-amz-json-1.1'

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
    if (contentType === AMZ_JSON && body.length > 0) {
      body = withStreamName(body, (req.headers['x-amz-target'] || '').split('.')[1])
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
