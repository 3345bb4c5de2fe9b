package main

import (
	"io"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/capscore/capscore/config"
)

// newLogger builds a zap logger on w: console lines, or JSON lines (format "json") for log shippers;
// level debug, info, warn or error (debug shows each SQL statement). Unknown values were refused when
// the settings were resolved; here they fall back to console and info.
func newLogger(w io.Writer, format, level string) *zap.Logger {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder
	cfg.EncodeDuration = zapcore.StringDurationEncoder
	var enc zapcore.Encoder
	if format == "json" {
		enc = zapcore.NewJSONEncoder(cfg)
	} else {
		enc = zapcore.NewConsoleEncoder(cfg)
	}
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		lvl = zapcore.InfoLevel
	}
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), lvl))
}

// logger is the command's logger on stderr, with the resolved log_format and log_level.
func (e env) logger() *zap.Logger {
	s := e.settings()
	return newLogger(e.stderr, s.LogFormat, s.LogLevel)
}

// finalLogger logs the error that ends the process. It uses the resolved log format even when other
// settings were invalid; when the command never resolved its settings (an unknown command or flag),
// the format comes from the command line and environment as far as they are valid. The final record
// is at level error, so it shows at every level.
func (e env) finalLogger() *zap.Logger {
	s := e.st.settings
	if !e.st.resolved {
		s, _ = config.Resolve(e.st.flags, e.st.flagNames, e.lookupEnv)
	}
	return newLogger(e.stderr, s.LogFormat, config.LogLevels[len(config.LogLevels)-1])
}
