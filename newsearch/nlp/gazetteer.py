"""Hand-compiled lists of names that give named-entity spans a type.

NLTK's installed chunker finds entity spans but not their kind, so ``entity_types`` types them
from evidence: a place list, first names, known organisations, words that end organisation
names, and words that mark a span as something we do not report (nationalities, events,
calendar words). The words *around* names (titles, particles, cue words) are in ``lexicon``.
Everything here was written for newsearch from general knowledge — no list was copied or
generated from an evaluation set — and kept small enough to read, but for the given names of
the 1990 US Census (``census_first_names.txt``), added to the hand list of first names.

Entries are written as they appear in text (case matters for names, not for cue words, which
are stored lower-case). Multi-word names are space-separated token sequences as produced by
NLTK's word tokenizer.
"""

from __future__ import annotations

from pathlib import Path

from .lexicon import entries

_entries = entries


def _with_plurals(words: frozenset[str]) -> frozenset[str]:
    """``words`` plus a plain ``-s`` plural of each (Russian -> Russians, Swede -> Swedes)."""
    return words | {w + "s" for w in words if not w.endswith(("s", "sh", "ch", "ese"))}


# --------------------------------------------------------------------------- places

COUNTRIES = _entries("""
Afghanistan, Albania, Algeria, Andorra, Angola, Antigua, Argentina, Armenia, Australia, Austria,
Azerbaijan, Bahamas, Bahrain, Bangladesh, Barbados, Belarus, Belgium, Belize, Benin, Bhutan,
Bolivia, Bosnia, Herzegovina, Botswana, Brazil, Brunei, Bulgaria, Burkina Faso, Burundi, Cambodia,
Cameroon, Canada, Cape Verde, Central African Republic, Chad, Chile, China, Colombia, Comoros,
Congo, Costa Rica, Croatia, Cuba, Cyprus, Czech Republic, Czechia, Denmark, Djibouti, Dominica,
Dominican Republic, East Timor, Ecuador, Egypt, El Salvador, Equatorial Guinea, Eritrea, Estonia,
Eswatini, Swaziland, Ethiopia, Fiji, Finland, France, Gabon, Gambia, Georgia, Germany, Ghana,
Greece, Grenada, Guatemala, Guinea, Guinea-Bissau, Guyana, Haiti, Honduras, Hungary, Iceland,
India, Indonesia, Iran, Iraq, Ireland, Israel, Italy, Ivory Coast, Jamaica, Japan, Jordan,
Kazakhstan, Kenya, Kiribati, Kosovo, Kuwait, Kyrgyzstan, Laos, Latvia, Lebanon, Lesotho, Liberia,
Libya, Liechtenstein, Lithuania, Luxembourg, Macedonia, North Macedonia, Madagascar, Malawi,
Malaysia, Maldives, Mali, Malta, Mauritania, Mauritius, Mexico, Micronesia, Moldova, Monaco,
Mongolia, Montenegro, Morocco, Mozambique, Myanmar, Burma, Namibia, Nauru, Nepal, Netherlands,
Holland, New Zealand, Nicaragua, Niger, Nigeria, North Korea, Norway, Oman, Pakistan, Palau,
Palestine, Panama, Papua New Guinea, Paraguay, Peru, Philippines, Poland, Portugal, Qatar,
Romania, Russia, Rwanda, Samoa, San Marino, Saudi Arabia, Senegal, Serbia, Seychelles,
Sierra Leone, Singapore, Slovakia, Slovenia, Solomon Islands, Somalia, South Africa, South Korea,
Korea, South Sudan, Spain, Sri Lanka, Sudan, Suriname, Sweden, Switzerland, Syria, Taiwan,
Tajikistan, Tanzania, Thailand, Togo, Tonga, Trinidad, Tobago, Tunisia, Turkey, Turkmenistan,
Tuvalu, Uganda, Ukraine, United Arab Emirates, UAE, United Kingdom, UK, Britain, Great Britain,
England, Scotland, Wales, Northern Ireland, United States, US, USA, America, Uruguay, Uzbekistan,
Vanuatu, Vatican, Venezuela, Vietnam, Yemen, Zambia, Zimbabwe, Yugoslavia, Soviet Union, USSR,
Czechoslovakia, Zaire, Hong Kong, Macau, Puerto Rico, Greenland, Tibet, Chechnya, Gaza,
West Bank, Kashmir, Kurdistan, Palestinian Territories, Faroe Islands, Bermuda, Gibraltar
""")

CITIES = _entries("""
Kabul, Kandahar, Herat, Tirana, Algiers, Luanda, Buenos Aires, Yerevan, Canberra, Sydney,
Melbourne, Brisbane, Perth, Adelaide, Hobart, Darwin, Vienna, Salzburg, Baku, Nassau, Manama,
Dhaka, Minsk, Brussels, Antwerp, Sarajevo, Mostar, Srebrenica, Brasilia, Rio de Janeiro,
Sao Paulo, Sofia, Phnom Penh, Ottawa, Toronto, Montreal, Vancouver, Calgary, Santiago, Beijing,
Peking, Shanghai, Guangzhou, Shenzhen, Wuhan, Chongqing, Tianjin, Bogota, Medellin, Havana,
Nicosia, Prague, Copenhagen, Cairo, Alexandria, Helsinki, Paris, Marseille, Lyon, Nice,
Toulouse, Bordeaux, Strasbourg, Tbilisi, Berlin, Bonn, Frankfurt, Munich, Hamburg, Cologne,
Stuttgart, Dusseldorf, Dresden, Leipzig, Athens, Thessaloniki, Budapest, Reykjavik, New Delhi,
Delhi, Mumbai, Bombay, Calcutta, Kolkata, Madras, Chennai, Bangalore, Hyderabad, Jakarta, Bali,
Tehran, Baghdad, Basra, Mosul, Kirkuk, Erbil, Fallujah, Dublin, Belfast, Cork, Jerusalem,
Tel Aviv, Haifa, Rome, Milan, Naples, Turin, Florence, Venice, Genoa, Bologna, Palermo, Tokyo,
Osaka, Kyoto, Hiroshima, Amman, Almaty, Astana, Nairobi, Mombasa, Pristina, Kuwait City,
Bishkek, Vientiane, Riga, Beirut, Tripoli, Benghazi, Vilnius, Skopje, Kuala Lumpur, Valletta,
Mexico City, Guadalajara, Chisinau, Ulan Bator, Rabat, Casablanca, Marrakesh, Maputo, Yangon,
Rangoon, Kathmandu, Amsterdam, Rotterdam, The Hague, Wellington, Auckland, Christchurch,
Managua, Lagos, Abuja, Pyongyang, Oslo, Bergen, Muscat, Islamabad, Karachi, Lahore, Peshawar,
Quetta, Panama City, Lima, Manila, Warsaw, Krakow, Gdansk, Lisbon, Porto, Doha, Bucharest,
Moscow, St Petersburg, St. Petersburg, Sochi, Vladivostok, Novosibirsk, Kaliningrad, Grozny,
Kigali, Riyadh, Jeddah, Mecca, Medina, Dakar, Belgrade, Freetown, Bratislava, Ljubljana,
Mogadishu, Johannesburg, Cape Town, Pretoria, Durban, Seoul, Busan, Madrid, Barcelona, Seville,
Valencia, Bilbao, Colombo, Khartoum, Stockholm, Gothenburg, Bern, Berne, Geneva, Zurich, Basel,
Lausanne, Damascus, Aleppo, Homs, Hama, Idlib, Raqqa, Latakia, Taipei, Dushanbe, Dodoma,
Dar es Salaam, Bangkok, Tunis, Ankara, Istanbul, Izmir, Ashgabat, Kampala, Kiev, Kyiv, Odessa,
Kharkiv, Donetsk, Luhansk, Sevastopol, Abu Dhabi, Dubai, Montevideo, Tashkent, Caracas, Hanoi,
Ho Chi Minh City, Saigon, Sanaa, Aden, Lusaka, Harare, Addis Ababa, Accra, Abidjan, Kinshasa,
Brazzaville, Liege, Ghent, Bruges, Charleroi, Lille, Nantes,
Ramallah, Hebron, Nablus, Jericho, Bethlehem, Zagreb, Split, Tallinn, Luxembourg,
Monrovia, Bamako, Niamey, Ndjamena, Asmara, Windhoek, Gaborone, Antananarivo, Lome, Cotonou,
Yaounde, Douala, Libreville, Conakry, Nouakchott, Port-au-Prince, Kingston, San Juan,
San Jose, Tegucigalpa, Guatemala City, San Salvador, Quito, Guayaquil, La Paz, Asuncion,
Singapore, Macau, Hong Kong, London, Manchester, Birmingham, Liverpool, Leeds, Sheffield,
Newcastle, Nottingham, Leicester, Bristol, Southampton, Portsmouth, Brighton, Oxford,
Cambridge, Glasgow, Edinburgh, Aberdeen, Dundee, Cardiff, Swansea, Washington, New York,
Los Angeles, Chicago, Houston, Boston, San Francisco, Miami, Atlanta, Dallas, Detroit,
Philadelphia, Seattle, Denver, Phoenix, Las Vegas, San Diego, New Orleans, Baltimore,
Pittsburgh, Cleveland, Cincinnati, St Louis, St. Louis, Minneapolis, Milwaukee, Kansas City,
Indianapolis, Nashville, Memphis, Charlotte, Orlando, Tampa, Portland, Sacramento, Honolulu,
Anchorage, Salt Lake City, Austin, San Antonio, Buffalo, Hollywood, Manhattan, Brooklyn,
Bronx, Queens, Harlem, Silicon Valley, Quebec City
""")

REGIONS = _entries("""
Africa, Asia, Europe, North America, South America, Latin America, Central America, Antarctica,
Oceania, Australasia, Middle East, Near East, Far East, Balkans, Caucasus, Scandinavia, Caribbean,
Mediterranean, Pacific, Atlantic, Arctic, Indian Ocean, Persian Gulf, Sahara, Siberia,
Central Asia, East Asia, Southeast Asia, South Asia, Asia-Pacific, Western Europe,
Eastern Europe, Central Europe, Baltic, Baltics, Horn of Africa, Sahel, West Africa,
East Africa, North Africa, Himalayas, Alps, Andes, Amazon, Nile, Danube, Rhine, Thames, Volga,
Mississippi, Yangtze, Euphrates, Tigris, Golan Heights, Sinai, Crimea, Punjab, Bengal,
Xinjiang, Patagonia, Bavaria, Catalonia, Basque Country, Flanders, Wallonia, Corsica, Sardinia,
Sicily, Tuscany, Lombardy, Normandy, Brittany, Provence, Quebec, Ontario, Alberta,
British Columbia, Manitoba, Nova Scotia, New South Wales, Victoria, Queensland, Tasmania,
Western Australia, Ulster, Hokkaido, Okinawa,
Mindanao, Java, Sumatra, Borneo, Tasmania, Anatolia, Transylvania, Dalmatia, Kurdistan,
Darfur, Kordofan, Ogaden, Tigray, Katanga, Kivu, Natal, Transvaal, Chiapas, Tamil Nadu, Kerala,
Gujarat, Kerala, Assam, Sindh, Baluchistan, Waziristan, Kandahar Province, Helmand,
Mount Everest, Kilimanjaro, Hiroshima, Long Island, Gulf of Mexico, Red Sea, Black Sea,
Dead Sea, Caspian Sea, North Sea, Baltic Sea, South China Sea, East China Sea, Adriatic,
Aegean, Panama Canal, Suez Canal, Strait of Hormuz, English Channel, Gulf, Midwest, Mid-West,
Deep South, New England, Pacific Northwest, West Coast, East Coast, Wall Street
""")

# Counties and provinces: places, but, unlike countries, often the name of a sports side.
PROVINCES = _entries("""
Yorkshire, Lancashire, Kent, Essex, Surrey, Sussex, Cornwall, Devon, Somerset, Norfolk, Suffolk,
Hampshire, Derbyshire, Cheshire, Cumbria, Merseyside, Northumberland, Gloucestershire,
Warwickshire, Worcestershire, Leicestershire, Nottinghamshire, Northamptonshire, Lincolnshire,
Durham, Glamorgan, Middlesex, Berkshire, Oxfordshire, Hertfordshire, Staffordshire, Shropshire,
Wiltshire, Dorset
""")

US_STATES = _entries("""
Alabama, Alaska, Arizona, Arkansas, California, Colorado, Connecticut, Delaware, Florida,
Georgia, Hawaii, Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Maine, Maryland,
Massachusetts, Michigan, Minnesota, Mississippi, Missouri, Montana, Nebraska, Nevada,
New Hampshire, New Jersey, New Mexico, New York, North Carolina, North Dakota, Ohio, Oklahoma,
Oregon, Pennsylvania, Rhode Island, South Carolina, South Dakota, Tennessee, Texas, Utah,
Vermont, Virginia, Washington, West Virginia, Wisconsin, Wyoming, District of Columbia
""")

PLACES = COUNTRIES | CITIES | REGIONS | PROVINCES | US_STATES

# Countries and regions stay places even as sports sides ("Romania beat Lithuania 2-1"), as in
# CoNLL-style annotation; cities, counties and states used so are organisations (clubs).
NATIONS = COUNTRIES | REGIONS

# Words that make a capitalised run a place: "Lake Victoria", "Hudson River", "Anbar province".
PLACE_PREFIXES = _entries("""
Lake, Mount, Mt, Port, Fort, Cape, Gulf, Isle, Sea, Bay, Strait
""")
PLACE_SUFFIXES = _entries("""
Province, Region, District, County, Island, Islands, Isles, River, Lake, Sea, Ocean, Bay, Gulf,
Mountains, Mountain, Hills, Valley, Desert, Peninsula, Coast, Strait, Canal, Street, Road,
Avenue, Square, Bridge, Heights, Plain, Plains, Basin, Delta, Archipelago, Oblast, Prefecture,
Governorate, Territory, Territories, Republic, Kingdom, Emirate, Emirates, Straits, Falls,
Station, Airport
""")
# Compass words that keep a known place a place: "Northern Ireland", "South Yorkshire".
COMPASS = _entries("""
North, South, East, West, Northern, Southern, Eastern, Western, Central, Upper, Lower, Greater,
New, Old, Inner, Outer, Mid, Northeast, Northwest, Southeast, Southwest
""")

# Lower-case words after a name that say it is a place: "Aleppo province", "Gaza city".
PLACE_NOUNS_AFTER = _entries("""
province, region, district, county, city, town, village, state, island, river, valley, area,
border, capital, governorate, suburb, neighbourhood, neighborhood, port, airport, coast, provinces,
regions, districts, cities, towns, villages, suburbs, neighbourhoods, neighborhoods, areas
""")

# --------------------------------------------------------------------------- people

FIRST_NAMES = _entries("""
Aaron, Abdul, Abdullah, Abraham, Adam, Adrian, Ahmad, Ahmed, Aidan, Alan, Albert, Alberto,
Alec, Alejandro, Aleksandr, Alex, Alexander, Alexandre, Alexei, Alfred, Ali, Alistair, Allan,
Alvaro, Amir, Anatoly, Anders, Andre, Andrea, Andreas, Andrei, Andres, Andrew, Andy, Angel,
Anthony, Antoine, Anton, Antonio, Arnold, Arthur, Ashley, Barack, Barry, Bashar, Ben, Benjamin,
Benoit, Bernard, Bernd, Bill, Billy, Bob, Bobby, Boris, Brad, Bradley, Brendan, Brian, Bruce,
Bruno, Bryan, Carl, Carlo, Carlos, Chad, Charles, Charlie, Chris, Christian, Christopher, Claude,
Colin, Craig, Dan, Daniel, Danny, Darren, Dave, David, Dean, Denis, Dennis, Derek, Diego,
Dimitri, Dmitry, Dominic, Don, Donald, Doug, Douglas, Duncan, Ed, Eddie, Edgar, Eduardo, Edward,
Emmanuel, Enrique, Eric, Erik, Ernesto, Ernst, Eugene, Evan, Fabio, Felipe, Fernando, Francesco,
Francis, Francisco, Franco, Frank, Franz, Fred, Frederick, Gabriel, Gareth, Gary, Gavin, Geoff,
Geoffrey, George, Georg, Gerald, Gerard, Gerhard, Giorgio, Giovanni, Giuseppe, Glen, Glenn,
Gordon, Graham, Greg, Gregory, Guy, Hamid, Hans, Harold, Harry, Hassan, Hector, Heinz, Helmut,
Henri, Henry, Howard, Hugh, Hugo, Hussein, Ian, Ibrahim, Igor, Ivan, Jack, Jacob, Jacques, Jake,
James, Jamie, Jan, Jason, Javier, Jean, Jeff, Jeffrey, Jens, Jeremy, Jerry, Jim, Jimmy, Joachim,
Joe, Joel, Johan, Johann, Johannes, John, Johnny, Jonathan, Jorge, Jose, Josef, Joseph, Juan,
Julian, Jurgen, Justin, Karl, Keith, Ken, Kenneth, Kevin, Khalid, Kim, Klaus, Kofi, Kurt, Lars,
Laurent, Lee, Leo, Leon, Leonid, Lewis, Lionel, Louis, Luca, Lucas, Luigi, Luis, Luke, Magnus,
Mahmoud, Malcolm, Manuel, Marc, Marcel, Marco, Marcus, Mario, Mark, Martin, Massimo, Mathieu,
Matt, Matthew, Maurice, Max, Michael, Michel, Miguel, Mike, Mikhail, Mohamed, Mohammad,
Mohammed, Muhammad, Nathan, Neil, Nelson, Nick, Nicholas, Nicolas, Nigel, Nikolai, Noel, Norman,
Olaf, Oleg, Oliver, Omar, Oscar, Osama, Owen, Pablo, Patrick, Paul, Paulo, Pavel, Pedro, Pete,
Peter, Phil, Philip, Philippe, Pierre, Piotr, Rafael, Ralph, Ramon, Randy, Ray, Raymond, Reza,
Ricardo, Richard, Rick, Rob, Robert, Roberto, Robin, Rod, Roger, Roland, Roman, Ron, Ronald,
Ross, Roy, Rudolf, Rupert, Russell, Ryan, Saddam, Salman, Sam, Samir, Samuel, Scott, Sean,
Sebastian, Sergei, Sergey, Sergio, Simon, Stan, Stanley, Stefan, Stephen, Steve, Steven, Stuart,
Sven, Tariq, Ted, Terry, Thierry, Thomas, Tim, Timothy, Toby, Todd, Tom, Tommy, Tony, Trevor,
Tyler, Uwe, Valery, Viktor, Vincent, Vitaly, Vladimir, Walter, Warren, Wayne, Werner, Wolfgang,
Will, William, Yasser, Yitzhak, Yuri, Yusuf, Zoran, Zbigniew,
Abigail, Ada, Adriana, Alice, Alicia, Alison, Amanda, Amy, Ana, Anastasia, Andrea, Angela,
Angelina, Anita, Ann, Anna, Anne, Annie, Antonia, Audrey, Barbara, Beatrice, Benazir, Beth,
Betty, Beverley, Brenda, Bridget, Brigitte, Carla, Carmen, Carol, Caroline, Carolyn, Catherine,
Cathy, Cecilia, Charlotte, Cheryl, Chloe, Christina, Christine, Claire, Clare, Claudia, Cristina,
Cynthia, Daniela, Deborah, Debbie, Denise, Diana, Diane, Dolores, Donna, Doris, Dorothy, Edith,
Elena, Elizabeth, Ellen, Elsa, Emily, Emma, Erica, Eva, Eve, Fatima, Fiona, Florence, Frances,
Gabriela, Gemma, Georgina, Gillian, Gina, Gloria, Grace, Hannah, Heather, Heidi, Helen, Helena,
Hillary, Ingrid, Irene, Isabel, Isabella, Jackie, Jacqueline, Jane, Janet, Janice, Jean, Jennifer,
Jenny, Jessica, Jill, Joan, Joanna, Joanne, Josephine, Joyce, Judith, Judy, Julia, Julie,
Karen, Kate, Katherine, Kathleen, Kathryn, Katie, Kelly, Kim, Kirsten, Laura, Lauren, Leila,
Linda, Lisa, Liz, Lorraine, Louise, Lucy, Lynn, Madeleine, Madonna, Maggie, Margaret, Maria,
Marie, Marina, Marion, Martha, Martina, Mary, Maureen, Megan, Melanie, Melissa, Michelle,
Miriam, Monica, Monika, Nadia, Nancy, Natalia, Natalie, Natasha, Nicola, Nicole, Nina, Olga,
Patricia, Paula, Pauline, Penny, Rachel, Rebecca, Rita, Rosa, Rose, Ruth, Sally, Samantha,
Sandra, Sara, Sarah, Sharon, Sheila, Silvia, Sonia, Sophie, Stephanie, Steffi, Sue, Susan,
Suzanne, Svetlana, Sylvia, Tamara, Tanya, Teresa, Theresa, Tina, Tracy, Valerie, Vanessa,
Vera, Veronica, Victoria, Virginia, Wendy, Yulia, Yvonne, Zoe
""")

# More given names, common in English-language news (British, American, Irish, European,
# African, Asian), from general knowledge; names that are also places or clubs left out, and
# so is every word of a person's name in the entity dev set (bench/data), which is not tuned on.
FIRST_NAMES = FIRST_NAMES | _entries("""
Aaliyah, Abe, Adele, Agnes, Aileen, Alastair, Alessandro, Alfie, Alfonso, Ali, Alison, Allison,
Alyssa, Ambrose, Amelia, Amit, Anders, Andy, Angus, Anil, Anthea, Antony, Archie, Arjun, Arturo,
Ashok, Ashton, Aubrey, Audrey, Austen, Axel, Ayesha, Barney, Bart, Basil, Beatriz, Becky,
Belinda, Bernadette, Bernie, Bert, Bethany, Bianca, Blake, Bonnie, Boyd, Brandon, Bridget,
Britney, Brooke, Bryony, Caitlin, Calum, Callum, Cameron, Camilla, Candice, Carey, Carlton,
Carmel, Caroline, Carrie, Cassie, Cecil, Cedric, Cesar, Chandra, Chantelle, Charlene, Charmaine,
Chester, Chloe, Chuck, Ciaran, Clara, Clarence, Claudio, Clement, Cliff, Clifford, Clint, Clive,
Cody, Connor, Conor, Constance, Cora, Corey, Cormac, Courtney, Crispin, Cyril, Daisy, Dale,
Damian, Damon, Dana, Daphne, Darcy, Darius, Daryl, Dawn, Declan, Delia, Dermot, Desmond, Dexter,
Dick, Dirk, Dmitri, Dolly, Dominique, Donal, Donovan, Dora, Doreen, Dougie, Drew, Duane, Dwight,
Dylan, Eamon, Eamonn, Earl, Edmund, Edwin, Eileen, Elaine, Eleanor, Eli, Elias, Elijah, Elinor,
Eliza, Ella, Ellie, Elliott, Elton, Elvis, Emil, Emile, Emilio, Enid, Enzo, Ernest, Ernie,
Esther, Ethan, Ethel, Euan, Eunice, Evelyn, Ewan, Fabian, Faye, Felicity, Felix, Fergus, Finn,
Fleur, Floyd, Francesca, Frankie, Freddie, Freya, Gaby, Gail, Garry, Gemma, Gene, Geraldine,
Gerry, Gideon, Gil, Gilbert, Gisela, Giulia, Gladys, Glenda, Glyn, Godfrey, Grant, Greta, Gwen,
Gwyneth, Hal, Hamish, Hank, Harriet, Hayley, Hazel, Heath, Hilary, Holly, Horace, Hubert,
Humphrey, Iain, Imogen, Ina, Inga, Iris, Isaac, Isabelle, Isla, Ivor, Ivy, Jacinta, Jai, Jamal,
Janine, Jared, Jarvis, Jasmine, Jay, Jayne, Jed, Jeanette, Jemima, Jerome, Jess, Jesse, Jim, Jo,
Jocelyn, Jodie, Joey, Jolene, Jon, Jonas, Jordi, Josh, Joshua, Jude, Jules, Julius, June,
Justine, Kai, Karim, Kasper, Katarina, Kath, Katy, Kay, Keira, Kelvin, Kenny, Kerry, Kieran,
Kirk, Kirsty, Kris, Kristin, Kumar, Kurt, Lachlan, Lance, Lara, Larry, Laurence, Lawrence, Leah,
Lena, Len, Lenny, Leonard, Leroy, Les, Lester, Liam, Lily, Lindsay, Lindsey, Lois, Lola, Lorna,
Lorenzo, Lottie, Lou, Lucia, Lucinda, Luc, Lydia, Lyndon, Mabel, Mandy, Marcia, Marco, Margot,
Marian, Marianne, Marjorie, Marlon, Marsha, Marty, Marvin, Mateo, Matilda, Maud, Maura, Mavis,
Maxine, Meg, Melvin, Mercedes, Meryl, Mia, Mickey, Miles, Millie, Milo, Mitch, Mitchell, Moira,
Molly, Mona, Morgan, Muriel, Murray, Myles, Nadine, Nancy, Naomi, Nat, Ned, Nell, Nellie,
Neville, Niall, Nicky, Nigel, Noah, Nora, Norah, Oisin, Olive, Olivia, Ollie, Oona, Orla, Ozzy,
Pam, Pamela, Pat, Patsy, Patti, Pearl, Peggy, Percy, Perry, Petra, Phoebe, Phyllis, Piers, Polly,
Priya, Quentin, Rachael, Rafa, Rahul, Raj, Rajiv, Ralf, Ramesh, Rana, Raul, Reg, Reggie,
Reginald, Rene, Rhys, Rhona, Ricky, Rob, Roberta, Rodney, Rohan, Ronan, Rory, Rosalind, Rosemary,
Rosie, Rowan, Roxanne, Ruby, Rudy, Rufus, Russ, Sabrina, Sadie, Sally, Sanjay, Sasha, Seamus,
Selina, Seth, Shaun, Shawn, Sheryl, Shirley, Sid, Sidney, Sinead, Siobhan, Sonny, Stacey, Stella,
Steph, Stewart, Stuart, Sunil, Susie, Suzy, Sybil, Tam, Tara, Ted, Teddy, Terence, Tess, Tessa,
Thea, Theo, Theodore, Tiffany, Tilly, Tobias, Tom, Toni, Tracey, Trudy, Troy, Una, Ursula, Val,
Vaughan, Vernon, Vic, Vicky, Vikram, Viv, Vivian, Vivienne, Wade, Wallace, Wanda, Wes, Wesley,
Wilfred, Willie, Wilma, Winnie, Winston, Xavier, Yasmin, Yolanda, Yves, Zac, Zach, Zachary, Zara,
Zeke, Zelda
""")

# --------------------------------------------------------------------------- organisations

# Capitalised words that end or head an organisation's name: "Arab League", "Bank of England",
# "Syrian Observatory for Human Rights". Compared as written.
ORG_WORDS = _entries("""
Inc, Inc., Corp, Corp., Corporation, Co, Co., Company, Cos, Ltd, Ltd., Limited, Plc, plc, PLC,
LLC, LLP, AG, SA, NV, BV, GmbH, SpA, AB, ASA, Oyj, Bhd, Pty, KK, Group, Holdings, Holding,
Bank, Bancorp, Banque, Capital, Securities, Investments, Partners, Fund, Trust, Insurance,
Assurance, Financial, Motors, Airlines, Airways, Air, Industries, Industrial, Systems,
Technologies, Technology, Software, Electronics, Electric, Energy, Oil, Petroleum, Gas,
Chemicals, Pharmaceuticals, Pharma, Telecom, Telecommunications, Communications, Media,
Entertainment, Studios, Pictures, Records, Publishing, Press, Times, Post, News, Journal,
Herald, Telegraph, Gazette, Tribune, Guardian, Observer, Radio, Television, TV, Broadcasting,
Network, Networks, Agency, Agencies, Council, Party, United, FC, Rovers, Wanderers, Athletic,
Albion, Hotspur, Rangers, Celtic, Club, Team, Association, Federation, Union, League,
University, College, Institute, Institution, School, Academy, Ministry, Department, Office,
Commission, Committee, Board, Authority, Service, Services, Bureau, Directorate, Secretariat,
Parliament, Senate, Congress, Assembly, Cabinet, Government, Court, Tribunal, Police, Army,
Navy, Force, Forces, Guard, Brigade, Brigades, Front, Movement, Alliance, Coalition, Organisation,
Organization, Foundation, Society, Church, Observatory, Centre, Center, Laboratories, Labs,
Hospital, Museum, Gallery, Orchestra, Opera, Theatre, Band, Exchange, Market, Reserve, Treasury,
Mission, Council, Congress, Caucus, Cartel, Consortium, Syndicate, Conglomerate, Brothers,
Bros, Stores, Supermarkets, Foods, Brewery, Breweries, Mining, Mines, Steel, Motor, Railways,
Railway, Rail, Shipping, Lines, Logistics, Aerospace, Dynamics, Solutions, Resources,
Enterprises, Ventures, Associates, Consulting, Unit, Division, Bloc, Junta, Regime, Taliban,
Hamas, Hezbollah, Reuters, Interfax, Xinhua, Tass, Weekly, Daily, Magazine, Monthly, Quarterly,
Chronicle, Courier, Digest, Bulletin, Standard, Spectator, Economist, Mirror, Examiner,
Inquirer, Ballet,
Democrats, Republicans, Conservatives, Socialists, Liberals, Communists, Nationalists, Unionists,
Greens
""")

# The legal forms that end a company's name ("Orbis Mining Corp", "Dorvik AB"): news drops them
# when it names the company again.
LEGAL_FORMS = _entries("""
Inc, Inc., Corp, Corp., Corporation, Co, Co., Cos, Ltd, Ltd., Limited, Plc, plc, PLC, LLC, LLP,
AG, SA, NV, BV, GmbH, SpA, AB, ASA, Oyj, Bhd, Pty, KK
""")

# Lower-case words after a name that say it is an organisation: "Shell shares", "SANA agency".
ORG_NOUNS_AFTER = _entries("""
shares, stock, group, company, firm, party, government, agency, bank, spokesman, spokeswoman,
officials, executives, subsidiary, unit, board, chairman, workers, employees, shareholders,
militants, fighters, forces, troops, lawmakers, newspaper, daily, network,
profits, profit, sales, revenues, revenue, earnings, customers, products, stores, shops,
website, boss, chief, brand, staff, plant, factory, results, takeover, mps, meps, msps,
councillors, activists, manifesto, backbenchers
""")

# Two lower-case words before a name that say it is an organisation: "a stake in Orbitex".
ORG_PHRASES_BEFORE = _entries("""
stake in, shares in, shares of, percent of, per cent of, bid for, merger with, takeover of,
acquisition of, unit of, subsidiary of, chief executive of, shareholders in, shareholders of,
owner of, merge with, offer for, spokesman for, spokeswoman for, analyst at, analysts at,
economist at, works for, worked for, signed for, playing for, played for
""")

# Lower-case words before a name that say it is an organisation: "shares in Shell".
ORG_NOUNS_BEFORE = _entries("""
newspaper, daily, agency, company, firm, group, carrier, airline, bank, broadcaster, club,
side, team, party, insurer, retailer, automaker, carmaker, maker, producer, manufacturer,
conglomerate, network, channel, website, charity, organisation, organization, union,
giant, rival, operator, supplier, developer, publisher, label, studio, chain, supermarket,
provider, distributor, watchdog, regulator, lender, brewer, broker, consultancy
""")

# Words a channel number follows in a broadcaster's name ("Channel 4", "Radio 5").
NUMBERED_NAME_WORDS = _entries("""
Channel, Radio, TV
""")

# Words that end the name of a venue, a place rather than the body that runs it ("the Orbis
# Theatre", "Kessel Stadium"); "Centre for X" names a body, and is no venue by this list.
FACILITY_WORDS = _entries("""
Theatre, Theater, Stadium, Arena, Centre, Center, Airport, Racecourse, Raceway, Circuit
""")

# Organisations widely known by a name with no organisation word in it.
KNOWN_ORGANIZATIONS = _entries("""
NATO, Nato, UN, UNESCO, Unesco, UNICEF, Unicef, UNHCR, EU, OPEC, Opec, IMF, WTO, WHO, OECD,
ASEAN, Asean, OSCE, FIFA, Fifa, UEFA, Uefa, IOC, ICC, NASA, Nasa, FBI, CIA, KGB, FSB, MI5, MI6,
Pentagon, Kremlin, Interpol, Europol, Greenpeace, Amnesty, Oxfam, Hamas, Hezbollah, Taliban,
al-Qaeda, al-Qaida, Qaeda, ISIS, Isis, ETA, IRA, PLO, Fatah, BBC, CNN, ABC, CBS, NBC,
Reuters, AP, AFP, Bloomberg, Interfax, Itar-Tass, Tass, Xinhua, Google, Microsoft, Apple,
Facebook, Twitter, Intel, IBM, Sony, Nokia, Samsung, Toyota, Honda, Nissan,
Chrysler, Boeing, Airbus, Shell, BP, Exxon, Chevron, Gazprom, Lukoil, Nestle, Unilever,
Siemens, Volkswagen, BMW, Daimler, Renault, Peugeot, Fiat, Vodafone, Ericsson, Nasdaq, Yahoo,
Netflix, Disney, Walmart, Wal-Mart, Tesco, Sainsbury, Barclays, HSBC, Citigroup, Citibank,
Goldman, Lufthansa, Aeroflot, Qantas, Ryanair, easyJet, EasyJet, Labour, Conservatives,
Tories, Democrats, Republicans, Likud, Knesset, Duma, Bundestag, Bundesbank, Sejm, Kmart,
Ferrari, McLaren, Benetton, Juventus, Ajax, Bayern, Arsenal, Chelsea, Everton, Tottenham,
Porsche, Sinn Fein, Eurostat, Ofcom, Ofgem, Ofsted, Al Jazeera, ITV, Nintendo, Sega, Atari
""")

# --------------------------------------------------------------------------- not entities

# Nationalities, peoples and religions (CoNLL "MISC"): never reported as entities by themselves.
NATIONALITIES = _with_plurals(_entries("""
American, British, Briton, English, Scottish, Scot, Scots, Welsh, Irish, French, German,
Italian, Spanish, Spaniard, Portuguese, Dutch, Belgian, Swiss, Austrian, Swedish, Swede,
Norwegian, Danish, Dane, Finnish, Finn, Icelandic, Russian, Ukrainian, Belarusian, Polish, Pole,
Czech, Slovak, Hungarian, Romanian, Bulgarian, Serbian, Serb, Croatian, Croat, Bosnian,
Slovenian, Slovene, Albanian, Macedonian, Greek, Turkish, Turk, Cypriot, Georgian, Armenian,
Azeri, Azerbaijani, Kazakh, Uzbek, Chechen, Israeli, Palestinian, Arab, Arabic, Syrian, Lebanese,
Jordanian, Iraqi, Iranian, Persian, Kurdish, Kurd, Saudi, Kuwaiti, Qatari, Emirati, Yemeni,
Omani, Bahraini, Egyptian, Libyan, Tunisian, Algerian, Moroccan, Sudanese, Ethiopian, Eritrean,
Somali, Kenyan, Tanzanian, Ugandan, Rwandan, Burundian, Congolese, Angolan, Zambian,
Zimbabwean, Mozambican, Namibian, Nigerian, Ghanaian, Senegalese, Malian, Ivorian,
Cameroonian, Liberian, African, Chinese, Japanese, Korean, Taiwanese, Mongolian, Tibetan,
Vietnamese, Thai, Cambodian, Laotian, Burmese, Indonesian, Malaysian, Filipino, Singaporean,
Indian, Pakistani, Afghan, Bangladeshi, Sri Lankan, Nepalese, Australian, Kiwi, Canadian,
Mexican, Cuban, Haitian, Jamaican, Brazilian, Argentine, Argentinian, Chilean, Colombian,
Peruvian, Venezuelan, Uruguayan, Paraguayan, Bolivian, Ecuadorean, Ecuadorian, European, Asian,
Latin, Western, Eastern, Soviet, Yugoslav, Muslim, Moslem, Christian, Jewish, Jew, Catholic,
Protestant, Islamic, Sunni, Shia, Shiite, Shi'ite, Hindu, Buddhist, Sikh, Orthodox, Anglican,
Baptist, Evangelical, Scandinavian, Baltic, Balkan, Caribbean, Hispanic, Latino, Asian-American,
African-American, Basque, Catalan, Flemish, Walloon, Bavarian, Sicilian, Texan, Californian,
Londoner, New Zealander, South African, North Korean, South Korean, West Indian, Puerto Rican,
Saudi Arabian, Sri Lankan, Aboriginal, Maori, Inuit, Zulu, Pashtun, Tamil, Sinhalese,
Uighur, Uyghur, Hutu, Tutsi, Bedouin, Alawite, Druze, Yazidi, Roma, Gypsy, Anglo, Franco,
Communist, Socialist, Marxist, Republican, Democrat, Conservative, Liberal, Nazi, Zionist
""")) - _entries("""
Communists, Socialists, Republicans, Democrats, Conservatives, Liberals
""")  # a party's members stand for the party ("the Democrats said"): see ORG_WORDS

# Words that make a span an event, work, award or product (CoNLL "MISC") rather than an
# organisation or place: "World Cup", "US Open", "Nobel Prize".
MISC_WORDS = _entries("""
Cup, Open, Championship, Championships, Olympics, Olympic, Games, Grand Prix, Trophy, Award,
Awards, Prize, Oscar, Oscars, Grammy, Emmy, Bafta, Festival, Series, Tour, Masters, Classic,
Marathon, Rally, Bowl, Tournament, War, Revolution, Treaty, Accord, Agreement, Act,
Day, Christmas, Easter, Ramadan, Eid, Week, Year, Age, Index, Dow, Nasdaq Composite, Nikkei,
FTSE, DAX, CAC, Hang Seng
""")

# Words that end a capitalised run without being part of the name: "UN Security Council
# Resolution" names the council.
TRAILING_NON_NAMES = _entries("""
Resolution, Resolutions, Report, Statement, Declaration, Communique, Summit, Meeting, Session,
Chairman, Chief, Spokesman, Spokeswoman, President, Secretary, Minister, Director, MP, MPs, MEP,
MEPs, MSP, MSPs
""")

# Capitalised words that are never entity names by themselves: calendar words, sentence-level
# words the tagger mislabels, and salutations.
NON_ENTITY_WORDS = _entries("""
Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday, January, February, March, April,
May, June, July, August, September, October, November, December, Jan, Feb, Mar, Apr, Jun, Jul,
Aug, Sep, Sept, Oct, Nov, Dec, Mon, Tue, Wed, Thu, Fri, Sat, Sun, Today, Yesterday, Tomorrow,
I, A, An, The, This, That, These, Those, It, He, She, We, They, You, His, Her, Their, Our,
My, Its, There, Here, But, And, Or, If, When, While, After, Before, Since, As, At, In, On,
Of, For, With, By, From, To, Into, Under, Over, About, Also, However, Meanwhile, Yes, No, Not,
Mr, Mrs, Ms, Dr, Sir, Oh, OK, Ok, Please, Thanks, Internet, Web, God, Allah, TV, PC, AM,
PM, GMT, CEO, Q1, Q2, Q3, Q4, Jr, Sr
""")

# Place-name acronyms that the all-capitals rule must not call organisations.
PLACE_ACRONYMS = _entries("""
US, USA, UK, UAE, USSR, DRC, PRC, NYC, LA, DC
""")

# Written variants of one place, mapped to the canonical name we report.
PLACE_ALIASES = {
    "U.S.": "US",
    "U.S.A.": "USA",
    "U.K.": "UK",
    "United States of America": "United States",
    "Kyiv": "Kiev",
}


def _census_rows() -> list[list[str]]:
    """The rows of ``census_first_names.txt`` (see its header): name, gender, word flag."""
    text = (Path(__file__).parent / "census_first_names.txt").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


_NOT_GIVEN_NAMES = PLACES | KNOWN_ORGANIZATIONS | ORG_WORDS | NATIONALITIES | NON_ENTITY_WORDS

# The hand list above, plus the census's given names that are not English words, places,
# organisations or nationalities: a first name is the commonest person evidence, and a hand
# list misses most of them.
FIRST_NAMES = FIRST_NAMES | frozenset(
    name for name, _, word in _census_rows() if word == "-" and name not in _NOT_GIVEN_NAMES
)

# First name (lower-case) -> "he" or "she", from the census, for the names nearly always given
# to one sex ("Hillary Clinton" cannot be "he"); English words included ("Mark", "Rose").
FIRST_NAME_GENDERS: dict[str, str] = {name.lower(): gender for name, gender, _ in _census_rows() if gender != "-"}
