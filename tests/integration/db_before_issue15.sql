-- A database written by newswatch at 6febb0d (schema 6, the story clusterer before issue 15):
-- two feeds, the seizure of the Corvina Star reported 20 hours apart (two stories then),
-- another Iran-US story at each outlet, and news of no topic. Made with that build's
-- newswatch run --once; regenerate with sqlite3 DB .dump. (The second report's published
-- time was moved by hand from 30 to 20 hours after the first when the story threshold rose
-- to 0.1, at which this pair is not alike enough 30 hours apart; that build linked reports
-- up to 12 hours apart, so it wrote the same two stories.)
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE feeds (
  id             INTEGER PRIMARY KEY,
  url            TEXT NOT NULL UNIQUE,
  title          TEXT,
  etag           TEXT,
  last_modified  TEXT,
  last_status    INTEGER,
  last_error     TEXT,
  error_count    INTEGER NOT NULL DEFAULT 0,
  last_polled_at INTEGER,
  next_poll_at   INTEGER,
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
, fetch_url TEXT, first_success_at INTEGER);
INSERT INTO feeds VALUES(1,'http://127.0.0.1:8799/a.xml','a.example','','Sun, 06 Dec 2026 09:27:00 GMT',200,NULL,0,1796549222,1796550132,0,1796549222,NULL,1796549222);
INSERT INTO feeds VALUES(2,'http://127.0.0.1:8799/b.xml','b.example','','Sun, 06 Dec 2026 09:27:00 GMT',200,NULL,0,1796549222,1796550122,0,1796549222,NULL,1796549222);
CREATE TABLE stories (
  id         INTEGER PRIMARY KEY,
  title      TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
);
INSERT INTO stories VALUES(1,'IRGC navy seizes tanker Corvina Star near Larak Island in the Strait of Hormuz',1796549222,1796549222);
INSERT INTO stories VALUES(2,'Oman to host a new round of Iran-US nuclear talks in Muscat',1796549222,1796549222);
INSERT INTO stories VALUES(3,'Iran''s Revolutionary Guards seize Panama-flagged tanker Corvina Star off Larak Island',1796549222,1796549222);
INSERT INTO stories VALUES(4,'US Treasury sanctions shipping firms over Iranian oil sales to China',1796549222,1796549222);
CREATE TABLE matches (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  topic      TEXT NOT NULL,
  field      TEXT NOT NULL,
  term       TEXT NOT NULL,
  offset     INTEGER NOT NULL, concept TEXT, rule TEXT,  -- byte offset of the term in the folded field text
  PRIMARY KEY (article_id, topic, field, term)
);
INSERT INTO matches VALUES(1,'hormuz','title','strait of hormuz',62,'hormuz_strait','iran-us.toml (built in):547');
INSERT INTO matches VALUES(1,'hormuz','title','hormuz',72,'hormuz','iran-us.toml (built in):554');
INSERT INTO matches VALUES(1,'hormuz','title','strait',62,NULL,'iran-us.toml (built in):554');
INSERT INTO matches VALUES(1,'hormuz','title','irgc',0,'irgc','iran-us.toml (built in):564');
INSERT INTO matches VALUES(1,'hormuz','title','navy',5,'shipping_risk','iran-us.toml (built in):564');
INSERT INTO matches VALUES(1,'hormuz','title','seiz*',10,'seizure','iran-us.toml (built in):573');
INSERT INTO matches VALUES(1,'hormuz','title','tanker*',17,'vessels','iran-us.toml (built in):573');
INSERT INTO matches VALUES(1,'hormuz','summary','fast boat*',0,'fast_boats','iran-us.toml (built in):595');
INSERT INTO matches VALUES(1,'hormuz','title','larak',42,'gulf_core','iran-us.toml (built in):602');
INSERT INTO matches VALUES(1,'irgc','title','irgc',0,'irgc','iran-us.toml (built in):695');
INSERT INTO matches VALUES(1,'us_iran','summary','washington',199,'united_states','iran-us.toml (built in):883');
INSERT INTO matches VALUES(1,'us_iran','summary','iran*',154,'iran','iran-us.toml (built in):883');
INSERT INTO matches VALUES(2,'nuclear_talks','title','nuclear',37,'nuclear','iran-us.toml (built in):645');
INSERT INTO matches VALUES(2,'nuclear_talks','title','iran*',28,'iran','iran-us.toml (built in):645');
INSERT INTO matches VALUES(2,'nuclear_talks','title','round of',19,'talks','iran-us.toml (built in):645');
INSERT INTO matches VALUES(2,'nuclear_talks','summary','uranium',116,'enrichment','iran-us.toml (built in):652');
INSERT INTO matches VALUES(2,'nuclear_talks','title','u s',33,'united_states','iran-us.toml (built in):659');
INSERT INTO matches VALUES(2,'nuclear_talks','title','talks',45,'talks','iran-us.toml (built in):659');
INSERT INTO matches VALUES(2,'mediation','title','oman*',0,'oman','iran-us.toml (built in):779');
INSERT INTO matches VALUES(2,'mediation','title','iran*',28,'iran','iran-us.toml (built in):779');
INSERT INTO matches VALUES(2,'mediation','title','u s',33,'united_states','iran-us.toml (built in):779');
INSERT INTO matches VALUES(2,'mediation','title','round of',19,'talks','iran-us.toml (built in):787');
INSERT INTO matches VALUES(2,'us_iran','summary','united states',44,'united_states','iran-us.toml (built in):883');
INSERT INTO matches VALUES(2,'us_iran','summary','iran*',31,'iran','iran-us.toml (built in):883');
INSERT INTO matches VALUES(2,'us_iran','title','u s',33,'united_states','iran-us.toml (built in):890');
INSERT INTO matches VALUES(2,'us_iran','title','iran*',28,'iran','iran-us.toml (built in):890');
INSERT INTO matches VALUES(11,'hormuz','summary','strait of hormuz',116,'hormuz_strait','iran-us.toml (built in):547');
INSERT INTO matches VALUES(11,'hormuz','summary','hormuz',126,'hormuz','iran-us.toml (built in):554');
INSERT INTO matches VALUES(11,'hormuz','summary','iran*',152,'iran','iran-us.toml (built in):554');
INSERT INTO matches VALUES(11,'hormuz','summary','strait',116,NULL,'iran-us.toml (built in):564');
INSERT INTO matches VALUES(11,'hormuz','title','iran*',0,'iran','iran-us.toml (built in):564');
INSERT INTO matches VALUES(11,'hormuz','title','seiz*',28,'seizure','iran-us.toml (built in):564');
INSERT INTO matches VALUES(11,'hormuz','title','tanker*',49,'vessels','iran-us.toml (built in):573');
INSERT INTO matches VALUES(11,'hormuz','title','guards',21,'guards','iran-us.toml (built in):581');
INSERT INTO matches VALUES(11,'hormuz','summary','fast boat*',0,'fast_boats','iran-us.toml (built in):595');
INSERT INTO matches VALUES(11,'hormuz','title','larak',73,'gulf_core','iran-us.toml (built in):602');
INSERT INTO matches VALUES(11,'irgc','title','revolutionary guard*',7,'irgc','iran-us.toml (built in):695');
INSERT INTO matches VALUES(11,'irgc','title','guards',21,'guards','iran-us.toml (built in):699');
INSERT INTO matches VALUES(11,'irgc','title','iran*',0,'iran','iran-us.toml (built in):699');
INSERT INTO matches VALUES(12,'sanctions','title','sanction*',13,'sanction_words','iran-us.toml (built in):805');
INSERT INTO matches VALUES(12,'sanctions','title','iran*',43,'iran','iran-us.toml (built in):805');
INSERT INTO matches VALUES(12,'us_iran','title','u s',0,'united_states','iran-us.toml (built in):883');
INSERT INTO matches VALUES(12,'us_iran','title','iran*',43,'iran','iran-us.toml (built in):883');
CREATE TABLE IF NOT EXISTS "articles" (
  id            INTEGER PRIMARY KEY,
  canonical_url TEXT NOT NULL UNIQUE,  -- its first key (see article_keys)
  url           TEXT,                  -- the link as first published, tracking removed
  title         TEXT NOT NULL,
  summary       TEXT NOT NULL,
  content       TEXT NOT NULL,
  author        TEXT,
  published     INTEGER,
  first_seen    INTEGER NOT NULL,
  last_seen     INTEGER NOT NULL,
  updated_at    INTEGER,               -- when its publisher last changed it
  feed_id       INTEGER NOT NULL REFERENCES feeds(id),  -- the feed that saw it first
  story_id      INTEGER REFERENCES stories(id),         -- NULL: no topic matched
  outlet        TEXT,                  -- who published it (not an aggregator)
  signature     TEXT                   -- what story clustering compares (JSON)
);
INSERT INTO articles VALUES(1,'https://a.example/world/corvina-star-seized','https://a.example/world/corvina-star-seized','IRGC navy seizes tanker Corvina Star near Larak Island in the Strait of Hormuz','Fast boats of the IRGC navy surrounded the Panama-flagged tanker Corvina Star near Larak Island in the Strait of Hormuz before dawn and steered it toward Iranian waters, a maritime security firm said. Washington called the seizure unlawful and demanded the crew''s release.','',NULL,1795154400,1796549222,1796549222,NULL,1,1,'a.example','{"body":[310465625,486447411,543702501,553897849,874042753,983985688,984953813,1115959653,1128548896,1150708630,1397248644,1655278081,2057418464,2163209709,2210835233,2233862198,2245589484,2648995730,2722771322,3356428600,3379473325,3443655900,3541045110,3671877704,3800233296,3813394523,3830813816,4165555817,4197102096],"concepts":["drones","fast_boats","gulf_core","hormuz","hormuz_strait","iran","irgc","military_activity","military_nouns","seizure","shipping_risk","united_states","vessels"],"language":"en","lede":[310465625,486447411,543702501,553897849,874042753,983985688,1115959653,1128548896,1397248644,1655278081,2057418464,2163209709,2210835233,2233862198,2245589484,2648995730,2722771322,3356428600,3379473325,3443655900,3541045110,3671877704,3800233296,3813394523,4165555817,4197102096],"time":1795154400,"title":[208133131,1238673340,1425233679,1452980500,1740273218,2072899482,2701128145,2779320634,3249244414,3479331564,3510316913],"title_numbers":[],"title_terms":["corvina","hormuz","irgc","island","larak","navy","near","seizes","star","strait","tanker"]}');
INSERT INTO articles VALUES(2,'https://a.example/world/muscat-talks','https://a.example/world/muscat-talks','Oman to host a new round of Iran-US nuclear talks in Muscat','Omani mediators said envoys of Iran and the United States will meet again in Muscat next week for indirect talks on uranium enrichment, despite rising tension in the Gulf.','',NULL,1795147200,1796549222,1796549222,NULL,1,2,'a.example','{"body":[162803494,165144365,362335006,913873698,1287058566,1548127917,1581848829,1707200122,1749476492,1771594715,1926630623,2121821068,2692639046,3489350921,3708606728,3872060015,3960564177],"concepts":["brokering","enrichment","iran","market_fear","mediation_acts","nuclear","oman","renewal","talks","talks_round","united_states"],"language":"en","lede":[162803494,165144365,362335006,913873698,1287058566,1548127917,1581848829,1707200122,1749476492,1771594715,1926630623,2121821068,2692639046,3489350921,3708606728,3872060015,3960564177],"time":1795147200,"title":[584901536,1268132501,1326178875,1915652897,2952701295,4067455586,4272638580],"title_numbers":[],"title_terms":["host","iran","muscat","nuclear","oman","round","talks"]}');
INSERT INTO articles VALUES(3,'https://a.example/other/0','https://a.example/other/0','Central bank holds rates as inflation eases','Policymakers kept the main rate unchanged.','',NULL,1794981600,1796549222,1796549222,NULL,1,NULL,'a.example','{"concepts":[]}');
INSERT INTO articles VALUES(4,'https://a.example/other/1','https://a.example/other/1','Storm knocks out power to thousands on the coast','Crews worked overnight on lines.','',NULL,1794895200,1796549222,1796549222,NULL,1,NULL,'a.example','{"concepts":[]}');
INSERT INTO articles VALUES(5,'https://a.example/other/2','https://a.example/other/2','Striker signs four-year deal with league champions','The fee was not disclosed.','',NULL,1794808800,1796549222,1796549222,NULL,1,NULL,'a.example','{"concepts":["talks"]}');
INSERT INTO articles VALUES(6,'https://a.example/other/3','https://a.example/other/3','Parliament passes budget after marathon session','The vote was 212 to 190.','',NULL,1794722400,1796549222,1796549222,NULL,1,NULL,'a.example','{"concepts":[]}');
INSERT INTO articles VALUES(7,'https://a.example/other/4','https://a.example/other/4','Wildfire forces evacuation of hillside villages','Firefighters used aircraft.','',NULL,1794636000,1796549222,1796549222,NULL,1,NULL,'a.example','{"concepts":["military_nouns"]}');
INSERT INTO articles VALUES(8,'https://a.example/other/5','https://a.example/other/5','Carmaker recalls 80,000 vehicles over brake fault','Owners will be contacted by mail.','',NULL,1794549600,1796549222,1796549222,NULL,1,NULL,'a.example','{"concepts":[]}');
INSERT INTO articles VALUES(9,'https://a.example/other/6','https://a.example/other/6','Museum returns looted bronzes to Nigeria','The handover took place in Benin City.','',NULL,1794463200,1796549222,1796549222,NULL,1,NULL,'a.example','{"concepts":["not_news_of_state"]}');
INSERT INTO articles VALUES(10,'https://a.example/other/7','https://a.example/other/7','Heatwave warning issued for southern regions','Temperatures could reach 41C.','',NULL,1794376800,1796549222,1796549222,NULL,1,NULL,'a.example','{"concepts":[]}');
INSERT INTO articles VALUES(11,'https://b.example/news/corvina-star-held','https://b.example/news/corvina-star-held','Iran''s Revolutionary Guards seize Panama-flagged tanker Corvina Star off Larak Island','Fast boats of Iran''s Revolutionary Guards seized the Panama-flagged oil tanker Corvina Star off Larak Island in the Strait of Hormuz and took it toward Iranian waters, according to a maritime security firm. The United States called the seizure illegal and demanded that the crew be freed.','',NULL,1795226400,1796549222,1796549222,NULL,2,3,'b.example','{"body":[553897849,983985688,984953813,1115959653,1128548896,1297290304,1397248644,1548127917,1660700748,1729517188,1825456164,1877140035,1889381441,2057418464,2163209709,2233862198,2426065656,2566850911,2661046403,2722771322,3048980813,3085920366,3494811485,3541045110,3671877704,3789558597,3800233296,3948956067,4197102096,4260792165],"concepts":["drones","fast_boats","guards","gulf_core","hormuz","hormuz_strait","iran","irgc","seizure","shipping_risk","united_states","vessels"],"language":"en","lede":[553897849,983985688,1115959653,1128548896,1297290304,1397248644,1548127917,1660700748,1729517188,1877140035,2057418464,2163209709,2233862198,2426065656,2566850911,2661046403,2722771322,3048980813,3085920366,3494811485,3541045110,3800233296,3948956067,4197102096,4260792165],"time":1795262400,"title":[13431569,208133131,217665548,396091559,1238673340,1268132501,1718417997,1740273218,2663410845,3479331564,3510316913],"title_numbers":[],"title_terms":["corvina","flagged","guards","iran","island","larak","panama","revolutionary","seize","star","tanker"]}');
INSERT INTO articles VALUES(12,'https://b.example/news/treasury-sanctions','https://b.example/news/treasury-sanctions','US Treasury sanctions shipping firms over Iranian oil sales to China','The Treasury Department imposed sanctions on six companies it says helped Iran sell crude to refiners in China through a fleet of aging tankers, the latest step in Washington''s pressure campaign.','',NULL,1795258800,1796549222,1796549222,NULL,2,4,'b.example','{"body":[442438275,910577827,917093301,1081647905,1567346198,1655033668,2029133977,2594049811,2662500670,2852638066,2988167372,2997491699,3015102975,3196959109,3426652554,3612526150,3938095818,4183098903,4193383011],"concepts":["iran","sanction_words","shipping_risk","united_states","vessels"],"language":"en","lede":[442438275,910577827,917093301,1081647905,1567346198,1655033668,2029133977,2594049811,2662500670,2852638066,2988167372,2997491699,3015102975,3196959109,3426652554,3612526150,3938095818,4183098903,4193383011],"time":1795258800,"title":[828906534,2210810611,2258376375,3051889091,3275256123,3514573168,3970214032,4253468509],"title_numbers":[],"title_terms":["china","firms","iranian","oil","sales","sanctions","shipping","treasury"]}');
INSERT INTO articles VALUES(13,'https://b.example/other/0','https://b.example/other/0','Central bank holds rates as inflation eases','Policymakers kept the main rate unchanged.','',NULL,1794981600,1796549222,1796549222,NULL,2,NULL,'b.example','{"concepts":[]}');
INSERT INTO articles VALUES(14,'https://b.example/other/1','https://b.example/other/1','Storm knocks out power to thousands on the coast','Crews worked overnight on lines.','',NULL,1794895200,1796549222,1796549222,NULL,2,NULL,'b.example','{"concepts":[]}');
INSERT INTO articles VALUES(15,'https://b.example/other/2','https://b.example/other/2','Striker signs four-year deal with league champions','The fee was not disclosed.','',NULL,1794808800,1796549222,1796549222,NULL,2,NULL,'b.example','{"concepts":["talks"]}');
INSERT INTO articles VALUES(16,'https://b.example/other/3','https://b.example/other/3','Parliament passes budget after marathon session','The vote was 212 to 190.','',NULL,1794722400,1796549222,1796549222,NULL,2,NULL,'b.example','{"concepts":[]}');
INSERT INTO articles VALUES(17,'https://b.example/other/4','https://b.example/other/4','Wildfire forces evacuation of hillside villages','Firefighters used aircraft.','',NULL,1794636000,1796549222,1796549222,NULL,2,NULL,'b.example','{"concepts":["military_nouns"]}');
INSERT INTO articles VALUES(18,'https://b.example/other/5','https://b.example/other/5','Carmaker recalls 80,000 vehicles over brake fault','Owners will be contacted by mail.','',NULL,1794549600,1796549222,1796549222,NULL,2,NULL,'b.example','{"concepts":[]}');
INSERT INTO articles VALUES(19,'https://b.example/other/6','https://b.example/other/6','Museum returns looted bronzes to Nigeria','The handover took place in Benin City.','',NULL,1794463200,1796549222,1796549222,NULL,2,NULL,'b.example','{"concepts":["not_news_of_state"]}');
INSERT INTO articles VALUES(20,'https://b.example/other/7','https://b.example/other/7','Heatwave warning issued for southern regions','Temperatures could reach 41C.','',NULL,1794376800,1796549222,1796549222,NULL,2,NULL,'b.example','{"concepts":[]}');
CREATE TABLE article_keys (
  key        TEXT PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO article_keys VALUES('https://a.example/world/corvina-star-seized',1);
INSERT INTO article_keys VALUES('text:f92b88b0275dceb7',1);
INSERT INTO article_keys VALUES('https://a.example/world/muscat-talks',2);
INSERT INTO article_keys VALUES('text:a4afd1b10e528df8',2);
INSERT INTO article_keys VALUES('https://a.example/other/0',3);
INSERT INTO article_keys VALUES('text:2f0569ebc0014af2',3);
INSERT INTO article_keys VALUES('https://a.example/other/1',4);
INSERT INTO article_keys VALUES('text:0b5328030750a83e',4);
INSERT INTO article_keys VALUES('https://a.example/other/2',5);
INSERT INTO article_keys VALUES('text:695b02f53b94bc3e',5);
INSERT INTO article_keys VALUES('https://a.example/other/3',6);
INSERT INTO article_keys VALUES('text:327bba8d79369146',6);
INSERT INTO article_keys VALUES('https://a.example/other/4',7);
INSERT INTO article_keys VALUES('text:d663354540557573',7);
INSERT INTO article_keys VALUES('https://a.example/other/5',8);
INSERT INTO article_keys VALUES('text:918464bb5dbfe20d',8);
INSERT INTO article_keys VALUES('https://a.example/other/6',9);
INSERT INTO article_keys VALUES('text:5451b71adbd3998e',9);
INSERT INTO article_keys VALUES('https://a.example/other/7',10);
INSERT INTO article_keys VALUES('text:688637f0d06c3354',10);
INSERT INTO article_keys VALUES('https://b.example/news/corvina-star-held',11);
INSERT INTO article_keys VALUES('text:33fcb18a4293942f',11);
INSERT INTO article_keys VALUES('https://b.example/news/treasury-sanctions',12);
INSERT INTO article_keys VALUES('text:5cec6e93627dd309',12);
INSERT INTO article_keys VALUES('https://b.example/other/0',13);
INSERT INTO article_keys VALUES('https://b.example/other/1',14);
INSERT INTO article_keys VALUES('https://b.example/other/2',15);
INSERT INTO article_keys VALUES('https://b.example/other/3',16);
INSERT INTO article_keys VALUES('https://b.example/other/4',17);
INSERT INTO article_keys VALUES('https://b.example/other/5',18);
INSERT INTO article_keys VALUES('https://b.example/other/6',19);
INSERT INTO article_keys VALUES('https://b.example/other/7',20);
CREATE TABLE IF NOT EXISTS "sightings" (
  id         INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  feed_id    INTEGER NOT NULL REFERENCES feeds(id),
  item_key   TEXT NOT NULL,  -- the item's GUID, else its link, else its text key
  url        TEXT,
  guid       TEXT,
  title      TEXT NOT NULL,
  outlet     TEXT,
  seen_at    INTEGER NOT NULL
, news INTEGER NOT NULL DEFAULT 0);
INSERT INTO sightings VALUES(1,1,1,'https://a.example/world/corvina-star-seized','https://a.example/world/corvina-star-seized','https://a.example/world/corvina-star-seized','IRGC navy seizes tanker Corvina Star near Larak Island in the Strait of Hormuz','a.example',1796549222,0);
INSERT INTO sightings VALUES(2,2,1,'https://a.example/world/muscat-talks','https://a.example/world/muscat-talks','https://a.example/world/muscat-talks','Oman to host a new round of Iran-US nuclear talks in Muscat','a.example',1796549222,0);
INSERT INTO sightings VALUES(3,3,1,'https://a.example/other/0','https://a.example/other/0','https://a.example/other/0','Central bank holds rates as inflation eases','a.example',1796549222,0);
INSERT INTO sightings VALUES(4,4,1,'https://a.example/other/1','https://a.example/other/1','https://a.example/other/1','Storm knocks out power to thousands on the coast','a.example',1796549222,0);
INSERT INTO sightings VALUES(5,5,1,'https://a.example/other/2','https://a.example/other/2','https://a.example/other/2','Striker signs four-year deal with league champions','a.example',1796549222,0);
INSERT INTO sightings VALUES(6,6,1,'https://a.example/other/3','https://a.example/other/3','https://a.example/other/3','Parliament passes budget after marathon session','a.example',1796549222,0);
INSERT INTO sightings VALUES(7,7,1,'https://a.example/other/4','https://a.example/other/4','https://a.example/other/4','Wildfire forces evacuation of hillside villages','a.example',1796549222,0);
INSERT INTO sightings VALUES(8,8,1,'https://a.example/other/5','https://a.example/other/5','https://a.example/other/5','Carmaker recalls 80,000 vehicles over brake fault','a.example',1796549222,0);
INSERT INTO sightings VALUES(9,9,1,'https://a.example/other/6','https://a.example/other/6','https://a.example/other/6','Museum returns looted bronzes to Nigeria','a.example',1796549222,0);
INSERT INTO sightings VALUES(10,10,1,'https://a.example/other/7','https://a.example/other/7','https://a.example/other/7','Heatwave warning issued for southern regions','a.example',1796549222,0);
INSERT INTO sightings VALUES(11,11,2,'https://b.example/news/corvina-star-held','https://b.example/news/corvina-star-held','https://b.example/news/corvina-star-held','Iran''s Revolutionary Guards seize Panama-flagged tanker Corvina Star off Larak Island','b.example',1796549222,0);
INSERT INTO sightings VALUES(12,12,2,'https://b.example/news/treasury-sanctions','https://b.example/news/treasury-sanctions','https://b.example/news/treasury-sanctions','US Treasury sanctions shipping firms over Iranian oil sales to China','b.example',1796549222,0);
INSERT INTO sightings VALUES(13,13,2,'https://b.example/other/0','https://b.example/other/0','https://b.example/other/0','Central bank holds rates as inflation eases','b.example',1796549222,0);
INSERT INTO sightings VALUES(14,14,2,'https://b.example/other/1','https://b.example/other/1','https://b.example/other/1','Storm knocks out power to thousands on the coast','b.example',1796549222,0);
INSERT INTO sightings VALUES(15,15,2,'https://b.example/other/2','https://b.example/other/2','https://b.example/other/2','Striker signs four-year deal with league champions','b.example',1796549222,0);
INSERT INTO sightings VALUES(16,16,2,'https://b.example/other/3','https://b.example/other/3','https://b.example/other/3','Parliament passes budget after marathon session','b.example',1796549222,0);
INSERT INTO sightings VALUES(17,17,2,'https://b.example/other/4','https://b.example/other/4','https://b.example/other/4','Wildfire forces evacuation of hillside villages','b.example',1796549222,0);
INSERT INTO sightings VALUES(18,18,2,'https://b.example/other/5','https://b.example/other/5','https://b.example/other/5','Carmaker recalls 80,000 vehicles over brake fault','b.example',1796549222,0);
INSERT INTO sightings VALUES(19,19,2,'https://b.example/other/6','https://b.example/other/6','https://b.example/other/6','Museum returns looted bronzes to Nigeria','b.example',1796549222,0);
INSERT INTO sightings VALUES(20,20,2,'https://b.example/other/7','https://b.example/other/7','https://b.example/other/7','Heatwave warning issued for southern regions','b.example',1796549222,0);
CREATE TABLE tombstones (
  key        TEXT PRIMARY KEY,
  title      TEXT,
  deleted_at INTEGER NOT NULL
) WITHOUT ROWID;
PRAGMA writable_schema=ON;
INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','articles_fts','articles_fts',0,'CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, summary, content, content = ''articles'', content_rowid = ''id'',
  tokenize = ''unicode61 remove_diacritics 2'')');
CREATE TABLE IF NOT EXISTS 'articles_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
INSERT INTO articles_fts_data VALUES(1,X'0433811b00');
INSERT INTO articles_fts_data VALUES(10,X'000000000104040004010101020101030101040101');
INSERT INTO articles_fts_data VALUES(137438953473,X'000001e4023061010601011f02026e6401080101191201066265666f7265010601011702046f6174730106010103010663616c6c6564010601012502066f7276696e6101080601010d0203726577010601012c01046461776e01060101180207656d616e646564010601012a0104666173740106010102020369726d010601012202066c6167676564010601010b0106686f726d757a01080f0101160102696e01080b010112020672616e69616e010601011d030267630108020101060205736c616e6401080a010111020174010601011b01056c6172616b01080901011001086d61726974696d65010601012001046e617679010803010107020365617201080801010f01026f66010a0e01010413010670616e616d61010601010a010772656c65617365010601012e010173010601012d0203616964010601012302076563757269747901060101210304697a657301020405037572650106010127020374617201080701010e03056565726564010601011a03047261697401080d01011402097572726f756e6465640106010108010674616e6b657201080501010c0202686501100c010105060c150702056f77617264010601011c0108756e6c617766756c0106010128010a77617368696e67746f6e0106010124030474657273010601011e04080a0d0b0d0e0a0b0e0b0a0d0e0a0d0a0d080d0f0c0b0b0d0e080a0e090a0b0c0c100e0e0c0f11');
INSERT INTO articles_fts_data VALUES(274877906945,X'0000017902306102020502046761696e020601010e02026e6402060101080107646573706974650206010119010a656e726963686d656e7402060101180304766f797302060101050103666f720206010113010467756c66020601011e0104686f73740202040102696e020a0d01010f0f03066469726563740206010114020372616e02080901010701096d65646961746f7273020601010303026574020601010d0205757363617402080e01011001036e6577020206030278740206010111020675636c65617202020b01026f6602080801010602036d616e020202050169020601010202016e02060101160106726973696e67020601011a02046f756e64020207010473616964020601010402057461746573020601010b010574616c6b7302080c0101150206656e73696f6e020601011b0202686502080101091602016f0202030106756e69746564020601010a020672616e69756d020601011702017302020a01047765656b02060101120203696c6c020601010c04060b090e110b0a0b090b0d0b10090d08090b0a0808080d090b0c0d0d0a060d0d060b');
INSERT INTO articles_fts_data VALUES(412316860417,X'000001fc0230610b06010121020863636f7264696e670b0601011f02026e640b0801011915010262650b0601013102046f6174730b06010103010663616c6c65640b0601012802066f7276696e610b080a01010f02037265770b06010130010864656d616e6465640b0601012d0104666173740b06010102020369726d0b0601012402066c61676765640b080801010c0204726565640b0601013201066775617264730b08050101080106686f726d757a0b060101180107696c6c6567616c0b0601012b02016e0b06010114020372616e0b0802010105050369616e0b0601011d0205736c616e640b080e0101130201740b0601011b01056c6172616b0b080d01011201086d61726974696d650b0601012201026f660b08010104150301660b080c0101110202696c0b0601010d010670616e616d610b080701010b010d7265766f6c7574696f6e6172790b08040101070101730b08030101060207656375726974790b060101230303697a650b02060601640b0601010905037572650b0601012a02037461720b080b01011004037465730b060101270304726169740b06010116010674616e6b65720b080901010e02036861740b0601012e0301650b0e01010a0d12060802016f0b0601012003026f6b0b0601011a0304776172640b0601011c0106756e697465640b0601012601067761746572730b0601011e04080f0a090b0d0e0a0f0b0a0e0b0e0d0e080b0a0d080d0f0a09090e15090e08080a0b0a0b0e0a0c08090b0d');
INSERT INTO articles_fts_data VALUES(549755813889,X'000001a10230610c06010115020467696e670c06010118010863616d706169676e0c06010121020468696e610c080c01011302086f6d70616e6965730c060101090204727564650c0601010f010a6465706172746d656e740c0601010401056669726d730c020602046c6565740c06010116010668656c7065640c0601010c0107696d706f7365640c0601010502016e0c080101120d020372616e0c0601010d050369616e0c02080201740c0601010a01066c61746573740c0601011b01026f660c060101170202696c0c020902016e0c0601010702037665720c0207010870726573737572650c060101200108726566696e6572730c060101110101730c0601011f0204616c65730c020a03076e6374696f6e730c0804010106030279730c0601010b0203656c6c0c0601010e020768697070696e670c0205020269780c0601010802037465700c0601011c010774616e6b6572730c06010119020268650c080101021a0305726f7567680c0601011402016f0c080b0101100207726561737572790c0803010103010275730c0202010a77617368696e67746f6e0c0601011e04080b0f0c0f0b110a0b0d0e090a08080d090708080f0f08090f090a0c090a0e0a0c090f07');
CREATE TABLE IF NOT EXISTS 'articles_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
INSERT INTO articles_fts_idx VALUES(1,X'',2);
INSERT INTO articles_fts_idx VALUES(2,X'',2);
INSERT INTO articles_fts_idx VALUES(3,X'',2);
INSERT INTO articles_fts_idx VALUES(4,X'',2);
CREATE TABLE IF NOT EXISTS 'articles_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
INSERT INTO articles_fts_docsize VALUES(1,X'0e2d00');
INSERT INTO articles_fts_docsize VALUES(2,X'0d1d00');
INSERT INTO articles_fts_docsize VALUES(11,X'0d3100');
INSERT INTO articles_fts_docsize VALUES(12,X'0b2000');
CREATE TABLE IF NOT EXISTS 'articles_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO articles_fts_config VALUES('version',4);
CREATE TABLE alerts (
  hook            TEXT NOT NULL,     -- the [[alert]] name
  story_id        INTEGER NOT NULL,  -- follows its story through merges
  state           TEXT NOT NULL,     -- 'pending' until its action succeeds, then 'sent'
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  PRIMARY KEY (hook, story_id)
) WITHOUT ROWID;
CREATE VIEW feeds_v AS
SELECT id AS feed_id,
       url,
       title,
       last_status,
       last_error,
       error_count,
       strftime('%Y-%m-%dT%H:%M:%SZ', last_polled_at, 'unixepoch') AS last_polled_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', next_poll_at, 'unixepoch') AS next_poll_at,
       disabled,
       etag,
       last_modified,
       fetch_url
  FROM feeds;
CREATE INDEX matches_concept ON matches(concept) WHERE concept IS NOT NULL;
CREATE INDEX articles_story ON articles(story_id) WHERE story_id IS NOT NULL;
CREATE INDEX articles_unmatched ON articles(last_seen) WHERE story_id IS NULL;
CREATE INDEX article_keys_article ON article_keys(article_id);
CREATE INDEX sightings_item ON sightings(feed_id, item_key);
CREATE INDEX sightings_article ON sightings(article_id);
CREATE TRIGGER articles_forget BEFORE DELETE ON articles WHEN OLD.story_id IS NOT NULL BEGIN
  INSERT OR IGNORE INTO tombstones (key, title, deleted_at)
    SELECT key, OLD.title, CAST(strftime('%s', 'now') AS INTEGER)
      FROM article_keys WHERE article_id = OLD.id;
  INSERT OR IGNORE INTO tombstones (key, title, deleted_at)
    VALUES (OLD.canonical_url, OLD.title, CAST(strftime('%s', 'now') AS INTEGER));
END;
CREATE TRIGGER articles_forgotten AFTER DELETE ON articles BEGIN
  DELETE FROM sightings WHERE article_id = OLD.id;
  DELETE FROM matches WHERE article_id = OLD.id;
  DELETE FROM article_keys WHERE article_id = OLD.id;
  DELETE FROM stories WHERE id = OLD.story_id
    AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = OLD.story_id);
END;
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles WHEN NEW.story_id IS NOT NULL BEGIN
  INSERT INTO articles_fts (rowid, title, summary, content)
    VALUES (NEW.id, NEW.title, NEW.summary, NEW.content);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles WHEN OLD.story_id IS NOT NULL BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, summary, content)
    VALUES ('delete', OLD.id, OLD.title, OLD.summary, OLD.content);
END;
CREATE TRIGGER articles_fts_promote AFTER UPDATE OF story_id ON articles
WHEN OLD.story_id IS NULL AND NEW.story_id IS NOT NULL BEGIN
  INSERT INTO articles_fts (rowid, title, summary, content)
    VALUES (NEW.id, NEW.title, NEW.summary, NEW.content);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, content ON articles
WHEN OLD.story_id IS NOT NULL BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, summary, content)
    VALUES ('delete', OLD.id, OLD.title, OLD.summary, OLD.content);
  INSERT INTO articles_fts (rowid, title, summary, content)
    VALUES (NEW.id, NEW.title, NEW.summary, NEW.content);
END;
CREATE VIEW items_v AS
SELECT a.id AS article_id,
       a.story_id,
       a.title,
       coalesce(a.url, a.canonical_url) AS url,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.published, 'unixepoch') AS published,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.first_seen, 'unixepoch') AS first_seen,
       coalesce(nullif(f.title, ''), f.url) AS feed,
       a.outlet,
       (SELECT group_concat(topic, ',')
          FROM (SELECT DISTINCT topic FROM matches m WHERE m.article_id = a.id ORDER BY topic))
         AS topics,
       a.summary
  FROM articles a
  JOIN feeds f ON f.id = a.feed_id
 WHERE a.story_id IS NOT NULL;
CREATE VIEW sightings_v AS
SELECT s.url,
       s.guid,
       f.url AS feed_url,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.seen_at, 'unixepoch') AS seen_at,
       s.article_id,
       a.story_id,
       s.title,
       s.outlet
  FROM sightings s
  JOIN articles a ON a.id = s.article_id
  JOIN feeds f ON f.id = s.feed_id;
CREATE VIEW stories_v AS
SELECT s.id AS story_id,
       s.title,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.first_seen, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.last_seen, 'unixepoch') AS last_seen,
       (SELECT count(*) FROM articles a WHERE a.story_id = s.id) AS articles,
       (SELECT count(DISTINCT x.outlet) FROM sightings x JOIN articles a ON a.id = x.article_id
         WHERE a.story_id = s.id) AS outlets,
       (SELECT group_concat(topic, ',')
          FROM (SELECT DISTINCT m.topic FROM matches m JOIN articles a ON a.id = m.article_id
                 WHERE a.story_id = s.id ORDER BY m.topic)) AS topics
  FROM stories s;
CREATE VIEW matches_v AS
SELECT m.article_id,
       a.title,
       m.topic,
       m.field,
       m.term,
       m.concept,
       m.offset,
       m.rule
  FROM matches m
  JOIN articles a ON a.id = m.article_id;
CREATE VIEW tombstones_v AS
SELECT key, title, strftime('%Y-%m-%dT%H:%M:%SZ', deleted_at, 'unixepoch') AS deleted_at
  FROM tombstones;
CREATE INDEX alerts_due ON alerts(next_attempt_at) WHERE state = 'pending';
CREATE VIEW alerts_v AS
SELECT a.hook,
       a.story_id,
       s.title,
       a.state,
       a.attempts,
       a.last_error,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.created_at, 'unixepoch') AS created_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.sent_at, 'unixepoch') AS sent_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.next_attempt_at, 'unixepoch') AS next_attempt_at
  FROM alerts a
  LEFT JOIN stories s ON s.id = a.story_id;
CREATE INDEX sightings_news ON sightings(article_id) WHERE news = 1;
PRAGMA writable_schema=OFF;
COMMIT;
PRAGMA user_version = 6;
