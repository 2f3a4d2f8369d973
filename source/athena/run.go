package athena

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/archive"
)

// stopTimeout bounds the StopQueryExecution sent after a cancel, whose context is already done.
const stopTimeout = 10 * time.Second

// Run runs the query (or reads its cached results) and calls emit, from one goroutine, with a
// batch of records per page of results as they arrive, each batch's progress saying where the query
// is. When ctx ends first, the query is stopped (StopQueryExecution) and ctx's error returned.
func (s *Session) Run(ctx context.Context, emit func(cloudtrail.Batch)) error {
	start := time.Now()
	var total int
	send := func(b cloudtrail.Batch, final bool) {
		total += len(b.Records)
		b.Progress.Records = total
		b.Progress.Problems = len(b.Problems)
		b.Progress.Elapsed = time.Since(start)
		b.Progress.Done = final
		b.Progress.Detail = s.detail(final)
		emit(b)
	}
	if ok, err := s.fromCache(ctx, send); ok || err != nil {
		return err
	}
	id, err := s.start(ctx)
	if err != nil {
		return err
	}
	if err := s.wait(ctx, id, send); err != nil {
		return err
	}
	return s.fetch(ctx, id, send)
}

// start sends the SELECT.
func (s *Session) start(ctx context.Context) (string, error) {
	if !strings.HasPrefix(s.Plan.SQL, "SELECT ") {
		// trailscope only reads: nothing but the SELECT BuildPlan writes goes to Athena.
		return "", fmt.Errorf("refusing to run a statement that is not a SELECT")
	}
	in := &athena.StartQueryExecutionInput{
		QueryString:           aws.String(s.Plan.SQL),
		QueryExecutionContext: &types.QueryExecutionContext{Catalog: aws.String(s.Table.Name.Catalog), Database: aws.String(s.Table.Name.Database)},
		WorkGroup:             aws.String(s.WorkGroup),
	}
	if s.opt.OutputLocation != "" {
		in.ResultConfiguration = &types.ResultConfiguration{OutputLocation: aws.String(s.opt.OutputLocation)}
	}
	// A cancel while the query is being started would leave it running with no ID to stop it by:
	// the call is let finish (it is quick), and the query stopped after.
	startCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
	defer cancel()
	out, err := s.client.StartQueryExecution(startCtx, in)
	if err != nil {
		e := explain(err, permStart, s.opt.AWS.Profile)
		if ne, ok := e.(*Error); ok && ne.Kind == ErrNoOutputLocation {
			ne.Msg = noOutputLocation(s.WorkGroup)
		}
		return "", e
	}
	id := aws.ToString(out.QueryExecutionId)
	s.update(func(st *Stats) { st.QueryID, st.State = id, "QUEUED" })
	s.log("Athena query %s started in workgroup %s (%s); its results go to %s", id, s.WorkGroup, s.Region, cmp.Or(s.Output, "the workgroup's location"))
	if ctx.Err() != nil {
		s.stop(id)
		return "", ctx.Err()
	}
	return id, nil
}

// wait polls the query until it ends, saying how it goes; a cancel stops it.
func (s *Session) wait(ctx context.Context, id string, send func(cloudtrail.Batch, bool)) error {
	pause := s.opt.Poll
	if pause <= 0 {
		pause = DefaultPoll
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			s.stop(id)
			return ctx.Err()
		case <-timer.C:
		}
		out, err := s.client.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			if ctx.Err() != nil {
				s.stop(id)
				return ctx.Err()
			}
			return explain(err, permExec, s.opt.AWS.Profile)
		}
		qe := out.QueryExecution
		if qe == nil || qe.Status == nil {
			return fmt.Errorf("athena:GetQueryExecution said nothing of query %s", id)
		}
		state := string(qe.Status.State)
		var scanned int64
		if qe.Statistics != nil {
			scanned = aws.ToInt64(qe.Statistics.DataScannedInBytes)
		}
		s.update(func(st *Stats) { st.State, st.Scanned = state, scanned })
		switch qe.Status.State {
		case types.QueryExecutionStateSucceeded:
			if qe.ResultConfiguration != nil && qe.ResultConfiguration.OutputLocation != nil {
				s.Output = aws.ToString(qe.ResultConfiguration.OutputLocation)
			}
			s.log("Athena query %s succeeded: %s scanned (%s)", id, cloudtrail.Size(scanned), dollars(Cost(scanned)))
			return nil
		case types.QueryExecutionStateFailed:
			reason := aws.ToString(qe.Status.StateChangeReason)
			if e := qe.Status.AthenaError; e != nil && aws.ToString(e.ErrorMessage) != "" && reason == "" {
				reason = aws.ToString(e.ErrorMessage)
			}
			s.log("Athena query %s failed: %s", id, reason)
			return queryFailed(id, reason, s.Output, s.Table)
		case types.QueryExecutionStateCancelled:
			s.log("Athena query %s was cancelled", id)
			return &Error{Kind: ErrQueryFailed, Msg: fmt.Sprintf("Athena query %s was cancelled (by someone else: the Athena console, or a workgroup's limit): %s",
				id, cmp.Or(aws.ToString(qe.Status.StateChangeReason), "no reason given"))}
		}
		send(cloudtrail.Batch{}, false)
		timer.Reset(pause)
		pause = min(pause*3/2, maxPoll)
	}
}

// stop asks Athena to stop a query that was cancelled here: its context is gone, so the call gets
// one of its own.
func (s *Session) stop(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	if _, err := s.client.StopQueryExecution(ctx, &athena.StopQueryExecutionInput{QueryExecutionId: aws.String(id)}); err != nil {
		s.log("Athena query %s: could not stop it: %v; stop it in the Athena console", id, explain(err, permStop, s.opt.AWS.Profile))
		return
	}
	s.update(func(st *Stats) { st.State = "CANCELLED" })
	s.log("Athena query %s stopped", id)
}

// fetch pages through the results, rebuilding each row into a record and handing each page on as
// a batch, up to the limit.
func (s *Session) fetch(ctx context.Context, id string, send func(cloudtrail.Batch, bool)) error {
	size := s.opt.PageSize
	if size <= 0 || size > PageSize {
		size = PageSize
	}
	in := &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id), MaxResults: aws.Int32(int32(size))}
	origin := fmt.Sprintf("rebuilt from the columns of Athena table %s (query %s); not the original bytes", s.Table.Name, id)
	var rb *rebuilder
	w := s.newCacheWriter(id)
	rows, page := 0, 0
	var buf []byte
	for {
		out, err := s.client.GetQueryResults(ctx, in)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return explain(err, permResults, s.opt.AWS.Profile)
		}
		page++
		rs := out.ResultSet
		if rs == nil {
			return fmt.Errorf("athena:GetQueryResults returned no result set for query %s", id)
		}
		data := rs.Rows
		if rb == nil {
			if rb, err = s.rebuilderFor(rs.ResultSetMetadata, origin); err != nil {
				return err
			}
			if len(data) > 0 && isHeader(data[0], rb.cols) {
				data = data[1:]
			}
		}
		var raws [][]byte
		var problems []cloudtrail.Problem
		limited := false
		for i, row := range data {
			if rows == s.Plan.Limit {
				limited = true
				break
			}
			vals := make([]*string, len(row.Data))
			for j, d := range row.Data {
				vals[j] = d.VarCharValue
			}
			buf, err = rb.rebuild(buf[:0], vals)
			if err != nil {
				problems = append(problems, cloudtrail.Problem{File: fmt.Sprintf("Athena query %s page %d", id, page), Record: i + 1, Reason: err.Error()})
				continue
			}
			raws = append(raws, append([]byte(nil), buf...))
			rows++
		}
		recs, probs, err := s.keep(w, page, raws)
		if err != nil {
			return err
		}
		last := limited || aws.ToString(out.NextToken) == ""
		s.update(func(st *Stats) { st.Rows, st.Pages, st.LimitReached = rows, page, limited })
		if limited {
			s.log("Athena query %s: the limit of %s rows was reached: narrow the window or the filter, or raise --athena-limit", id, commas(s.Plan.Limit))
		}
		if last {
			w.finish(s.Stats())
			send(cloudtrail.Batch{Records: recs, Problems: append(problems, probs...)}, true)
			return nil
		}
		send(cloudtrail.Batch{Records: recs, Problems: append(problems, probs...)}, false)
		in.NextToken = out.NextToken
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// rebuilderFor matches the result's columns to the table's.
func (s *Session) rebuilderFor(md *types.ResultSetMetadata, origin string) (*rebuilder, error) {
	if md == nil {
		return nil, fmt.Errorf("athena:GetQueryResults returned no column information")
	}
	var cols []Column
	for _, ci := range md.ColumnInfo {
		name := strings.ToLower(cmp.Or(aws.ToString(ci.Name), aws.ToString(ci.Label)))
		c, ok := s.Table.Column(name)
		if !ok {
			c = Column{Name: name, Type: Type{Kind: "string"}}
		}
		cols = append(cols, c)
	}
	return newRebuilder(cols, origin), nil
}

// isHeader reports whether a row is the column names Athena puts first in a SELECT's results.
func isHeader(row types.Row, cols []Column) bool {
	if len(row.Data) != len(cols) {
		return false
	}
	for i, d := range row.Data {
		if d.VarCharValue == nil || !strings.EqualFold(*d.VarCharValue, cols[i].Name) {
			return false
		}
	}
	return true
}

// keep stores a page's records (in the cache, read back from there, or in memory) and returns them
// as records whose raw JSON the detail view reads back.
func (s *Session) keep(w *cacheWriter, page int, raws [][]byte) ([]cloudtrail.Record, []cloudtrail.Problem, error) {
	if w != nil {
		return w.page(page, raws)
	}
	recs := make([]cloudtrail.Record, 0, len(raws))
	var probs []cloudtrail.Problem
	for i, raw := range raws {
		r, err := cloudtrail.DecodeRecord(raw)
		if err != nil {
			probs = append(probs, cloudtrail.Problem{File: "Athena results", Record: i + 1, Reason: err.Error()})
			continue
		}
		r.Raw = s.mem.Put(raw)
		recs = append(recs, r)
	}
	return recs, probs, nil
}

// detail says where the query is, for the status line.
func (s *Session) detail(final bool) string {
	st := s.Stats()
	if st.State == "cache" {
		return fmt.Sprintf("Athena query %s from the cache: %s rows", st.QueryID, commas(st.Rows))
	}
	parts := []string{fmt.Sprintf("Athena query %s %s", st.QueryID, st.State)}
	if st.Scanned > 0 || st.State == "SUCCEEDED" {
		parts = append(parts, fmt.Sprintf("%s scanned (%s)", cloudtrail.Size(st.Scanned), dollars(Cost(st.Scanned))))
	}
	if st.Pages > 0 {
		parts = append(parts, fmt.Sprintf("%s rows", commas(st.Rows)))
	}
	if st.LimitReached {
		parts = append(parts, fmt.Sprintf("limit of %s reached (--athena-limit)", commas(s.Plan.Limit)))
	}
	if final && st.State == "SUCCEEDED" {
		parts[0] = "Athena query " + st.QueryID + " done"
	}
	return strings.Join(parts, " · ")
}

// commas writes a count with thousands separators.
func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// dollars writes a small amount of money readably.
func dollars(v float64) string {
	if v < 1 {
		return fmt.Sprintf("≈ $%.4f", v)
	}
	return fmt.Sprintf("≈ $%.2f", v)
}

// readPages reads cached or fresh pages back with the archive reader, so that their records'
// raw JSON is re-read from the file on demand rather than held in memory.
func readPages(ctx context.Context, paths []string) ([]cloudtrail.Record, []cloudtrail.Problem, error) {
	var recs []cloudtrail.Record
	var probs []cloudtrail.Problem
	err := archive.Read(ctx, paths, archive.Options{Workers: 1}, func(b cloudtrail.Batch) {
		recs = append(recs, b.Records...)
		probs = append(probs, b.Problems...)
	})
	return recs, probs, err
}
