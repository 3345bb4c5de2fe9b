package main

import (
	"io"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// newLogger builds the process's one zap logger: console lines on w, or JSON when
// REFRESH_LOG_FORMAT=json (for log shippers). REFRESH_LOG_LEVEL=debug shows each SQL statement.
func newLogger(w io.Writer) *zap.Logger {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder
	cfg.EncodeDuration = zapcore.StringDurationEncoder
	var enc zapcore.Encoder
	if os.Getenv("REFRESH_LOG_FORMAT") == "json" {
		enc = zapcore.NewJSONEncoder(cfg)
	} else {
		enc = zapcore.NewConsoleEncoder(cfg)
	}
	level := zapcore.InfoLevel
	if os.Getenv("REFRESH_LOG_LEVEL") == "debug" {
		level = zapcore.DebugLevel
	}
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), level))
}
