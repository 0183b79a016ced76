package parse

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Typed views of the benchmark documents in testdata/json. They cover most
// fields, with the types the documents use (numbers that are null somewhere
// are pointers), so decoding exercises strings, numbers, bools, nested
// structs, slices, maps and skipped unknown fields.

type jsonTwitter struct {
	Statuses       []jsonStatus       `json:"statuses"`
	SearchMetadata jsonSearchMetadata `json:"search_metadata"`
}

type jsonSearchMetadata struct {
	CompletedIn float64 `json:"completed_in"`
	MaxID       int64   `json:"max_id"`
	MaxIDStr    string  `json:"max_id_str"`
	NextResults string  `json:"next_results"`
	Query       string  `json:"query"`
	RefreshURL  string  `json:"refresh_url"`
	Count       int     `json:"count"`
	SinceID     int64   `json:"since_id"`
	SinceIDStr  string  `json:"since_id_str"`
}

type jsonStatus struct {
	Metadata             jsonStatusMetadata `json:"metadata"`
	CreatedAt            string             `json:"created_at"`
	ID                   int64              `json:"id"`
	IDStr                string             `json:"id_str"`
	Text                 string             `json:"text"`
	Source               string             `json:"source"`
	Truncated            bool               `json:"truncated"`
	InReplyToStatusID    *int64             `json:"in_reply_to_status_id"`
	InReplyToStatusIDStr *string            `json:"in_reply_to_status_id_str"`
	InReplyToUserID      *int64             `json:"in_reply_to_user_id"`
	InReplyToUserIDStr   *string            `json:"in_reply_to_user_id_str"`
	InReplyToScreenName  *string            `json:"in_reply_to_screen_name"`
	User                 jsonUser           `json:"user"`
	Geo                  any                `json:"geo"`
	Coordinates          any                `json:"coordinates"`
	Place                any                `json:"place"`
	Contributors         any                `json:"contributors"`
	RetweetedStatus      *jsonStatus        `json:"retweeted_status,omitempty"`
	RetweetCount         int                `json:"retweet_count"`
	FavoriteCount        int                `json:"favorite_count"`
	Entities             jsonEntities       `json:"entities"`
	Favorited            bool               `json:"favorited"`
	Retweeted            bool               `json:"retweeted"`
	PossiblySensitive    bool               `json:"possibly_sensitive,omitempty"`
	Lang                 string             `json:"lang"`
}

type jsonStatusMetadata struct {
	ResultType      string `json:"result_type"`
	IsoLanguageCode string `json:"iso_language_code"`
}

type jsonUser struct {
	ID                             int64            `json:"id"`
	IDStr                          string           `json:"id_str"`
	Name                           string           `json:"name"`
	ScreenName                     string           `json:"screen_name"`
	Location                       string           `json:"location"`
	Description                    string           `json:"description"`
	URL                            *string          `json:"url"`
	Entities                       jsonUserEntities `json:"entities"`
	Protected                      bool             `json:"protected"`
	FollowersCount                 int              `json:"followers_count"`
	FriendsCount                   int              `json:"friends_count"`
	ListedCount                    int              `json:"listed_count"`
	CreatedAt                      string           `json:"created_at"`
	FavouritesCount                int              `json:"favourites_count"`
	UTCOffset                      *int             `json:"utc_offset"`
	TimeZone                       *string          `json:"time_zone"`
	GeoEnabled                     bool             `json:"geo_enabled"`
	Verified                       bool             `json:"verified"`
	StatusesCount                  int              `json:"statuses_count"`
	Lang                           string           `json:"lang"`
	ContributorsEnabled            bool             `json:"contributors_enabled"`
	IsTranslator                   bool             `json:"is_translator"`
	IsTranslationEnabled           bool             `json:"is_translation_enabled"`
	ProfileBackgroundColor         string           `json:"profile_background_color"`
	ProfileBackgroundImageURL      string           `json:"profile_background_image_url"`
	ProfileBackgroundImageURLHTTPS string           `json:"profile_background_image_url_https"`
	ProfileBackgroundTile          bool             `json:"profile_background_tile"`
	ProfileImageURL                string           `json:"profile_image_url"`
	ProfileImageURLHTTPS           string           `json:"profile_image_url_https"`
	ProfileBannerURL               string           `json:"profile_banner_url,omitempty"`
	ProfileLinkColor               string           `json:"profile_link_color"`
	ProfileSidebarBorderColor      string           `json:"profile_sidebar_border_color"`
	ProfileSidebarFillColor        string           `json:"profile_sidebar_fill_color"`
	ProfileTextColor               string           `json:"profile_text_color"`
	ProfileUseBackgroundImage      bool             `json:"profile_use_background_image"`
	DefaultProfile                 bool             `json:"default_profile"`
	DefaultProfileImage            bool             `json:"default_profile_image"`
	Following                      bool             `json:"following"`
	FollowRequestSent              bool             `json:"follow_request_sent"`
	Notifications                  bool             `json:"notifications"`
}

type jsonUserEntities struct {
	URL         *jsonURLs `json:"url,omitempty"`
	Description jsonURLs  `json:"description"`
}

type jsonURLs struct {
	URLs []jsonURL `json:"urls"`
}

type jsonURL struct {
	URL         string  `json:"url"`
	ExpandedURL *string `json:"expanded_url"`
	DisplayURL  string  `json:"display_url,omitempty"`
	Indices     []int   `json:"indices"`
}

type jsonEntities struct {
	Hashtags []struct {
		Text    string `json:"text"`
		Indices []int  `json:"indices"`
	} `json:"hashtags"`
	Symbols      []any     `json:"symbols"`
	URLs         []jsonURL `json:"urls"`
	UserMentions []struct {
		ScreenName string `json:"screen_name"`
		Name       string `json:"name"`
		ID         int64  `json:"id"`
		IDStr      string `json:"id_str"`
		Indices    []int  `json:"indices"`
	} `json:"user_mentions"`
	Media []struct {
		ID            int64  `json:"id"`
		IDStr         string `json:"id_str"`
		MediaURL      string `json:"media_url"`
		MediaURLHTTPS string `json:"media_url_https"`
		URL           string `json:"url"`
		DisplayURL    string `json:"display_url"`
		ExpandedURL   string `json:"expanded_url"`
		Type          string `json:"type"`
		Indices       []int  `json:"indices"`
		Sizes         map[string]struct {
			W      int    `json:"w"`
			H      int    `json:"h"`
			Resize string `json:"resize"`
		} `json:"sizes"`
	} `json:"media,omitempty"`
}

// jsonTweet is the small (≈100 B) bucket: a few fields of one status.
type jsonTweet struct {
	ID    int64  `json:"id"`
	IDStr string `json:"id_str"`
	Text  string `json:"text"`
	Lang  string `json:"lang"`
}

type jsonCitm struct {
	AreaNames                map[string]string        `json:"areaNames"`
	AudienceSubCategoryNames map[string]string        `json:"audienceSubCategoryNames"`
	BlockNames               map[string]string        `json:"blockNames"`
	Events                   map[string]jsonCitmEvent `json:"events"`
	Performances             []jsonCitmPerformance    `json:"performances"`
	SeatCategoryNames        map[string]string        `json:"seatCategoryNames"`
	SubTopicNames            map[string]string        `json:"subTopicNames"`
	SubjectNames             map[string]string        `json:"subjectNames"`
	TopicNames               map[string]string        `json:"topicNames"`
	TopicSubTopics           map[string][]int64       `json:"topicSubTopics"`
	VenueNames               map[string]string        `json:"venueNames"`
}

type jsonCitmEvent struct {
	Description *string `json:"description"`
	ID          int64   `json:"id"`
	Logo        *string `json:"logo"`
	Name        string  `json:"name"`
	SubTopicIDs []int64 `json:"subTopicIds"`
	SubjectCode *string `json:"subjectCode"`
	Subtitle    *string `json:"subtitle"`
	TopicIDs    []int64 `json:"topicIds"`
}

type jsonCitmPerformance struct {
	EventID int64   `json:"eventId"`
	ID      int64   `json:"id"`
	Logo    *string `json:"logo"`
	Name    *string `json:"name"`
	Prices  []struct {
		Amount                int64 `json:"amount"`
		AudienceSubCategoryID int64 `json:"audienceSubCategoryId"`
		SeatCategoryID        int64 `json:"seatCategoryId"`
	} `json:"prices"`
	SeatCategories []struct {
		Areas []struct {
			AreaID   int64   `json:"areaId"`
			BlockIDs []int64 `json:"blockIds"`
		} `json:"areas"`
		SeatCategoryID int64 `json:"seatCategoryId"`
	} `json:"seatCategories"`
	SeatMapImage *string `json:"seatMapImage"`
	Start        int64   `json:"start"`
	VenueCode    string  `json:"venueCode"`
}

// jsonBucket is one benchmark input: its bytes and a fresh typed target.
type jsonBucket struct {
	name  string
	data  []byte
	typed func() any
}

var jsonCorpus = sync.OnceValues(func() (map[string][]byte, error) {
	m := make(map[string][]byte)
	for _, name := range []string{"twitter", "citm_catalog", "canada_geometry", "string_unicode"} {
		f, err := os.Open(filepath.Join("testdata", "json", name+".json.gz"))
		if err != nil {
			return nil, err
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		b, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			return nil, err
		}
		m[name] = b
	}
	return m, nil
})

func jsonLoad(tb testing.TB, name string) []byte {
	tb.Helper()
	m, err := jsonCorpus()
	if err != nil {
		tb.Fatal(err)
	}
	b, ok := m[name]
	if !ok {
		tb.Fatalf("no corpus document %q", name)
	}
	return b
}

// jsonBuckets cuts the size buckets from the corpus with encoding/json:
// 100B (a few fields of one status), 1KB (one user object), 10KB and 100KB
// (the first statuses of twitter.json, re-encoded compactly), and the whole
// documents twitter (631 KB), citm_catalog (1.7 MB) and canada (270 KB, the copy in the shared data is smaller than the original 2.2 MB canada.json).
var jsonBucketsOnce = sync.OnceValues(func() ([]jsonBucket, error) {
	m, err := jsonCorpus()
	if err != nil {
		return nil, err
	}
	var tw jsonTwitter
	if err := json.Unmarshal(m["twitter"], &tw); err != nil {
		return nil, err
	}
	closest := func(target int, enc func(i int) []byte) []byte {
		var best []byte
		for i := range tw.Statuses {
			b := enc(i)
			if best == nil || jsonAbs(len(b)-target) < jsonAbs(len(best)-target) {
				best = b
			}
		}
		return best
	}
	small := closest(100, func(i int) []byte {
		s := tw.Statuses[i]
		b, _ := json.Marshal(jsonTweet{ID: s.ID, IDStr: s.IDStr, Text: s.Text, Lang: s.Lang})
		return b
	})
	user := closest(1000, func(i int) []byte {
		b, _ := json.Marshal(tw.Statuses[i].User)
		return b
	})
	prefix := func(target int) []byte {
		for n := 1; n <= len(tw.Statuses); n++ {
			b, _ := json.Marshal(jsonTwitter{Statuses: tw.Statuses[:n], SearchMetadata: tw.SearchMetadata})
			if len(b) >= target {
				return b
			}
		}
		return nil
	}
	return []jsonBucket{
		{"100B", small, func() any { return new(jsonTweet) }},
		{"1KB", user, func() any { return new(jsonUser) }},
		{"10KB", prefix(10 << 10), func() any { return new(jsonTwitter) }},
		{"100KB", prefix(100 << 10), func() any { return new(jsonTwitter) }},
		{"twitter631KB", m["twitter"], func() any { return new(jsonTwitter) }},
		{"citm1.7MB", m["citm_catalog"], func() any { return new(jsonCitm) }},
		{"canada270KB", m["canada_geometry"], nil},
	}, nil
})

func jsonAbs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func jsonBuckets(tb testing.TB) []jsonBucket {
	tb.Helper()
	b, err := jsonBucketsOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// jsonSame reports whether a and b encode identically with encoding/json.
func jsonSame(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
