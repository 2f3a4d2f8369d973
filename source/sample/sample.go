// Package sample holds the built-in samples, embedded in the binary so that trailscope has something
// worth investigating with no AWS account and no files: "scenarios", a week of an organisation's activity
// with incidents to investigate (the questions are scenario.All), and "invictus", real records of an
// attack simulation. The samples are read like any archive (source/archive over the embedded files), so
// drill-down into raw records works the same way.
package sample

//go:generate go run ./gen -out data

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/archive"
)

//go:embed data/scenarios/AWSLogs data/invictus
var data embed.FS

// Default names the sample opened when trailscope is given no data.
const Default = "scenarios"

// Sample is one built-in sample.
type Sample struct {
	Name  string // as given to --sample
	Title string // one line
	About string // what it is, where it comes from, its license
	root  string // its folder in data
}

var samples = []Sample{
	{
		Name:  "scenarios",
		Title: "a week of a fictional company's two AWS accounts, with 7 incidents to investigate",
		root:  "data/scenarios",
		About: `A week (2 to 8 March 2026) of CloudTrail activity of a fictional company, Acme, in two
accounts (prod and staging) and seven regions: about 32,000 records of engineers signing
in through IAM Identity Center and assuming roles, CI pipelines, applications on EC2 and
Lambda, AWS services and the usual errors. Woven in are seven incidents, each in complete,
realistic records, and a few normal activities that look alarming.

Every incident is a question to answer with the console; see them with
'trailscope sample --list' or ':scenarios' in the console. The hints are filters to
start from; the answers are computed from the records, not written down.

The records are synthetic: made by a deterministic generator in this repository
(go generate ./source/sample), so any resemblance to real accounts, people or addresses
is chance. Account IDs, keys and addresses are random.`,
	},
	{
		Name:  "invictus",
		Title: "real CloudTrail logs of a Stratus Red Team attack simulation (Invictus IR)",
		root:  "data/invictus/CloudTrail",
		About: `About 2,900 real CloudTrail records of one AWS account, 10 July 2023, recorded while
Stratus Red Team detonated attack techniques: credential access, persistence, defence
evasion, exfiltration, and more. Published by Invictus Incident Response as a training
dataset (https://github.com/invictus-ir/aws_dataset, commit 4667aa9c); the account ID in
the records is anonymised (123837392027).

Copyright (c) 2023 Invictus Incident Response. Used under the MIT License:`,
	},
}

// List returns the built-in samples.
func List() []Sample { return append([]Sample(nil), samples...) }

// Named returns the sample called name.
func Named(name string) (Sample, error) {
	for _, s := range samples {
		if strings.EqualFold(s.Name, name) {
			return s, nil
		}
	}
	names := make([]string, len(samples))
	for i, s := range samples {
		names[i] = s.Name
	}
	return Sample{}, fmt.Errorf("no built-in sample %q; there are: %s", name, strings.Join(names, ", "))
}

// Read streams the sample's records as batches, as archive.Read does for files.
func (s Sample) Read(ctx context.Context, emit func(cloudtrail.Batch)) error {
	return archive.Read(ctx, []string{s.root}, archive.Options{FS: data}, emit)
}

// FS returns the sample's files (CloudTrail's layout for the scenarios), for tests and for copying out.
func (s Sample) FS() fs.FS {
	sub, err := fs.Sub(data, s.root)
	if err != nil {
		panic("sample: " + err.Error()) // the root is a constant of this package
	}
	return sub
}

// License returns the license of the sample's data, "" when it is this project's own.
func (s Sample) License() string {
	if s.Name != "invictus" {
		return ""
	}
	b, err := data.ReadFile("data/invictus/LICENSE")
	if err != nil {
		return ""
	}
	return string(b)
}

// Banner is what the console says first when it opens on the sample: what it is, and how to load real
// data instead. It fits an 80-column status line.
func (s Sample) Banner() string {
	if s.Name == Default {
		return "Built-in sample: try :scenarios. Your own logs: trailscope PATH, or --lookup"
	}
	return "Sample " + s.Name + ", real attack data. Your own logs: trailscope PATH, or --lookup"
}
