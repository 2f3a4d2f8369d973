package fakect

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"time"
)

// PublicKey is a key CloudTrail lists in a region (ListPublicKeys): the DER PKCS#1 public key that
// verifies the region's digests, its fingerprint and when it was in use.
type PublicKey struct {
	Fingerprint string
	Value       []byte
	Start, End  time.Time
}

// AddPublicKey serves keys in a region.
func (s *Server) AddPublicKey(region string, keys ...PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string][]PublicKey{}
	}
	s.keys[region] = slices.Concat(s.keys[region], keys)
}

type keysRequest struct {
	StartTime *float64
	EndTime   *float64
	NextToken *string
}

type wireKey struct {
	Value             []byte  `json:"Value"` // base64 on the wire, as JSON 1.1 sends blobs
	ValidityStartTime float64 `json:"ValidityStartTime"`
	ValidityEndTime   float64 `json:"ValidityEndTime"`
	Fingerprint       string  `json:"Fingerprint"`
}

type keysPage struct {
	PublicKeyList []wireKey `json:"PublicKeyList"`
}

// listPublicKeys answers ListPublicKeys: the region's keys whose validity overlaps the range (no
// StartTime or EndTime: now), as CloudTrail does.
func (s *Server) listPublicKeys(req *Request, body []byte) (keysPage, *apiError) {
	var in keysRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return keysPage{}, &apiError{400, "SerializationException", "cannot read the request: " + err.Error()}
	}
	if in.NextToken != nil {
		req.Token = true
		return keysPage{}, &apiError{400, "InvalidTokenException", "Reserved for future use"}
	}
	now := time.Now()
	start, end := now, now
	if in.StartTime != nil {
		start = epoch(*in.StartTime)
	}
	if in.EndTime != nil {
		end = epoch(*in.EndTime)
	}
	req.Start, req.End = start, end
	if start.After(end) {
		return keysPage{}, &apiError{400, "InvalidTimeRangeException", "Start time must be before end time"}
	}
	s.mu.Lock()
	keys := s.keys[req.Region]
	s.mu.Unlock()
	page := keysPage{PublicKeyList: []wireKey{}}
	for _, k := range keys {
		if k.Start.After(end) || k.End.Before(start) {
			continue
		}
		page.PublicKeyList = append(page.PublicKeyList, wireKey{Value: k.Value, Fingerprint: k.Fingerprint,
			ValidityStartTime: float64(k.Start.Unix()), ValidityEndTime: float64(k.End.Unix())})
	}
	return page, nil
}

func epoch(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9))
}
