package report

import "github.com/capscore/capscore/pipeline"

// Table names the report reads. score_changes is optional: it is mentioned only when the month has it.
const (
	tableAreaScores      = pipeline.TableAreaScores
	tableRecommendations = pipeline.TableRecommendations
	tableRejects         = pipeline.TableRejects
	tableScoreChanges    = "score_changes"
)
